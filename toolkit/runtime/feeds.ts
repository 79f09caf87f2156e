/**
 * Seeded random inputs for any graph: floats uniform in [-1, 1) (float16 rounded to nearest); integers in a
 * range that is valid where the input indexes a table (a `Gather` on a weight: token ids stay below the
 * vocabulary size), else [0, 4); booleans at random. An input given values (`--input-value`, a workload
 * entry's `inputValues`) gets exactly those instead (one value fills the tensor). Made by the backend's tensor
 * factory (`Backend.tensor`), keyed by input name.
 */
import { ShapedGraph, elementCount } from '../graph/graph';
import { Backend, TensorArray, TensorHandle } from './backend';
import { createRng } from '../core/prng';
import { expandValues } from '../shapes';
import { toHalfBits } from '../graph/half';

/** The exclusive upper bound for an integer input: the gathered dimension when it indexes a weight. */
export function integerBound(graph: ShapedGraph, valueIndex: number): number {
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

/** What makes tensors: a backend (its `tensor`), or anything with the same factory. */
export type TensorFactory = Pick<Backend, 'tensor'>;

/** The typed array of `dtype` holding `xs` (numbers, row-major; float16 as its bits). */
export function typedArray(dtype: string, xs: ArrayLike<number>, input: string): TensorArray {
  switch (dtype) {
    case 'float32': return Float32Array.from(xs);
    case 'float64': return Float64Array.from(xs);
    case 'float16': return Uint16Array.from(xs, toHalfBits);
    case 'int64': return BigInt64Array.from(xs, (x) => BigInt(x));
    case 'uint64': return BigUint64Array.from(xs, (x) => BigInt(x));
    case 'int32': return Int32Array.from(xs);
    case 'uint32': return Uint32Array.from(xs);
    case 'int16': return Int16Array.from(xs);
    case 'uint16': return Uint16Array.from(xs);
    case 'int8': return Int8Array.from(xs);
    case 'uint8': case 'bool': return Uint8Array.from(xs);
    default: throw new Error(`inputs of type ${dtype} (input '${input}') are not supported`);
  }
}

export function randomFeeds(
  graph: ShapedGraph, factory: TensorFactory, seed = 1, values: Readonly<Record<string, readonly number[]>> = {},
): Record<string, TensorHandle> {
  const rng = createRng(seed);
  const random = () => rng.next();
  const feeds: Record<string, TensorHandle> = {};
  for (const i of graph.inputs) {
    const v = graph.values[i];
    const n = elementCount(v.shape);
    const given = values[v.name];
    let xs: ArrayLike<number>;
    if (given !== undefined) xs = expandValues(given, n);
    else if (v.dtype.startsWith('float')) xs = Float64Array.from({ length: n }, () => random() * 2 - 1);
    else if (v.dtype === 'bool') xs = Float64Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
    else {
      const bound = integerBound(graph, i);
      xs = Float64Array.from({ length: n }, () => Math.floor(random() * bound));
    }
    feeds[v.name] = factory.tensor(v.dtype, typedArray(v.dtype, xs, v.name), v.shape);
  }
  return feeds;
}

/** Zero-filled tensors for the named values of a graph (e.g. to warm a session up). */
export function zeroFeeds(graph: ShapedGraph, names: readonly string[], factory: TensorFactory): Record<string, TensorHandle> {
  const feeds: Record<string, TensorHandle> = {};
  for (const name of names) {
    const v = graph.values[graph.valueByName.get(name)!];
    const n = elementCount(v.shape);
    const data = v.dtype === 'int64' ? new BigInt64Array(n) : v.dtype === 'int32' ? new Int32Array(n)
      : v.dtype === 'bool' || v.dtype === 'uint8' ? new Uint8Array(n) : v.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    feeds[name] = factory.tensor(v.dtype, data, v.shape);
  }
  return feeds;
}
