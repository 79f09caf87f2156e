/**
 * Seeded random inputs for any graph: floats uniform in [-1, 1); integers in a range that is valid where the
 * input indexes a table (a `Gather` on a weight: token ids stay below the vocabulary size), else [0, 4);
 * booleans at random. Returned as onnxruntime CPU tensors keyed by input name.
 */
import * as ort from 'onnxruntime-node';
import { ShapedGraph, elementCount } from '../graph/graph';
import { createRng } from '../prng';

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

export function randomFeeds(graph: ShapedGraph, seed = 1): Record<string, ort.Tensor> {
  const rng = createRng(seed);
  const random = () => rng.next();
  const feeds: Record<string, ort.Tensor> = {};
  for (const i of graph.inputs) {
    const v = graph.values[i];
    const n = elementCount(v.shape);
    const dims = [...v.shape];
    switch (v.dtype) {
      case 'float32': feeds[v.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, () => random() * 2 - 1), dims); break;
      case 'float64': feeds[v.name] = new ort.Tensor('float64', Float64Array.from({ length: n }, () => random() * 2 - 1), dims); break;
      case 'int64': {
        const bound = integerBound(graph, i);
        feeds[v.name] = new ort.Tensor('int64', BigInt64Array.from({ length: n }, () => BigInt(Math.floor(random() * bound))), dims);
        break;
      }
      case 'int32': {
        const bound = integerBound(graph, i);
        feeds[v.name] = new ort.Tensor('int32', Int32Array.from({ length: n }, () => Math.floor(random() * bound)), dims);
        break;
      }
      case 'bool': feeds[v.name] = new ort.Tensor('bool', Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)), dims); break;
      default: throw new Error(`random inputs of type ${v.dtype} (input '${v.name}') are not supported`);
    }
  }
  return feeds;
}
