/**
 * Seeded random inputs for any graph: floats uniform in [-1, 1) (float16 rounded to nearest); integers in a
 * range that is valid where the input indexes a table (a `Gather` on a weight: token ids stay below the
 * vocabulary size), else [0, 4); booleans at random. An input given values (`--input-value`, a workload
 * entry's `inputValues`) gets exactly those instead (one value fills the tensor). Returned as onnxruntime CPU
 * tensors keyed by input name.
 */
import * as ort from 'onnxruntime-node';
import { ShapedGraph, elementCount } from '../graph/graph';
import { createRng } from '../prng';
import { expandValues } from '../shapes';
import { toHalfBits } from '../graph/half';

/** The exclusive upper bound for an integer input: the gathered dimension when it indexes a weight. */
function integerBound(graph: ShapedGraph, valueIndex: number): number {
  let bound = Infinity;
  for (const n of graph.values[valueIndex].consumers) {
    const node = graph.nodes[n];
    if (node.opType === 'Gather' && node.inputs[1] === valueIndex) {
      const table = graph.values[node.inputs[0]];
      const axisAttr = node.attributes.get('axis');
      const axis = axisAttr?.type === 'int' ? axisAttr.value : 0;
      const dim = table.shape[axis < 0 ? axis + table.shape.length : axis];
      if (dim !== undefined) bound = Math.min(bound, dim);
    }
  }
  return Number.isFinite(bound) ? bound : 4;
}

/** A tensor of `dtype` holding `xs` (numbers, row-major). */
export function numbersTensor(dtype: string, xs: ArrayLike<number>, dims: number[], input: string): ort.Tensor {
  switch (dtype) {
    case 'float32': return new ort.Tensor('float32', Float32Array.from(xs), dims);
    case 'float64': return new ort.Tensor('float64', Float64Array.from(xs), dims);
    case 'float16': return new ort.Tensor('float16', Uint16Array.from(xs, toHalfBits), dims);
    case 'int64': return new ort.Tensor('int64', BigInt64Array.from(xs, (x) => BigInt(x)), dims);
    case 'uint64': return new ort.Tensor('uint64', BigUint64Array.from(xs, (x) => BigInt(x)), dims);
    case 'int32': return new ort.Tensor('int32', Int32Array.from(xs), dims);
    case 'uint32': return new ort.Tensor('uint32', Uint32Array.from(xs), dims);
    case 'int16': return new ort.Tensor('int16', Int16Array.from(xs), dims);
    case 'uint16': return new ort.Tensor('uint16', Uint16Array.from(xs), dims);
    case 'int8': return new ort.Tensor('int8', Int8Array.from(xs), dims);
    case 'uint8': return new ort.Tensor('uint8', Uint8Array.from(xs), dims);
    case 'bool': return new ort.Tensor('bool', Uint8Array.from(xs), dims);
    default: throw new Error(`inputs of type ${dtype} (input '${input}') are not supported`);
  }
}

export function randomFeeds(
  graph: ShapedGraph, seed = 1, values: Readonly<Record<string, readonly number[]>> = {},
): Record<string, ort.Tensor> {
  const rng = createRng(seed);
  const random = () => rng.next();
  const feeds: Record<string, ort.Tensor> = {};
  for (const i of graph.inputs) {
    const v = graph.values[i];
    const n = elementCount(v.shape);
    const dims = [...v.shape];
    const given = values[v.name];
    let xs: ArrayLike<number>;
    if (given !== undefined) xs = expandValues(given, n);
    else if (v.dtype.startsWith('float') || v.dtype === 'bfloat16') xs = Float64Array.from({ length: n }, () => random() * 2 - 1);
    else if (v.dtype === 'bool') xs = Float64Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
    else {
      const bound = integerBound(graph, i);
      xs = Float64Array.from({ length: n }, () => Math.floor(random() * bound));
    }
    feeds[v.name] = numbersTensor(v.dtype, xs, dims, v.name);
  }
  return feeds;
}
