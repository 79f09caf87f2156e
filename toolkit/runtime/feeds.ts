/**
 * Seeded random inputs for any graph: floats uniform in [-1, 1); integers in a range that is valid where the
 * input indexes a table (a `Gather` on a weight: token ids stay below the vocabulary size), else [0, 4);
 * booleans at random. Made by the backend's tensor factory (`Backend.tensor`), keyed by input name.
 */
import { ShapedGraph, elementCount } from '../graph/graph';
import { Backend, TensorArray, TensorHandle } from './backend';
import { createRng } from '../core/prng';

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

/** What makes tensors: a backend (its `tensor`), or anything with the same factory. */
export type TensorFactory = Pick<Backend, 'tensor'>;

export function randomFeeds(graph: ShapedGraph, factory: TensorFactory, seed = 1): Record<string, TensorHandle> {
  const rng = createRng(seed);
  const random = () => rng.next();
  const feeds: Record<string, TensorHandle> = {};
  for (const i of graph.inputs) {
    const v = graph.values[i];
    const n = elementCount(v.shape);
    let data: TensorArray;
    switch (v.dtype) {
      case 'float32': data = Float32Array.from({ length: n }, () => random() * 2 - 1); break;
      case 'float64': data = Float64Array.from({ length: n }, () => random() * 2 - 1); break;
      case 'int64': {
        const bound = integerBound(graph, i);
        data = BigInt64Array.from({ length: n }, () => BigInt(Math.floor(random() * bound)));
        break;
      }
      case 'int32': {
        const bound = integerBound(graph, i);
        data = Int32Array.from({ length: n }, () => Math.floor(random() * bound));
        break;
      }
      case 'bool': data = Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)); break;
      default: throw new Error(`random inputs of type ${v.dtype} (input '${v.name}') are not supported`);
    }
    feeds[v.name] = factory.tensor(v.dtype, data, v.shape);
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
