/**
 * What the loader records about control-flow nodes (`If`, `Loop`, `Scan`, and any node with graph
 * attributes): the outer-scope names their subgraphs read, and the bytes of the weights inside them.
 *
 * Invariants: a subgraph's own scope is its inputs, initializers (dense and sparse) and every node output in
 * it; a name read there (by a node, a nested subgraph, or as a subgraph output) that is not in that scope
 * comes from outside. Nesting is followed to any depth. Weight bytes count initializers and `Constant`
 * tensors inside the subgraphs, recursively, from their dims and element type.
 */
import { onnx } from 'onnx-proto';
import { ExternalDataReader } from './external-data';
import { tensorProtoByteSize } from './tensor';

/** The graphs held by a node's attributes (`g` and `graphs`). */
export function subgraphsOf(node: onnx.INodeProto): onnx.IGraphProto[] {
  return namedSubgraphsOf(node).map((s) => s.graph);
}

/** The graphs held by a node's attributes, with the attribute that holds each. */
export function namedSubgraphsOf(node: onnx.INodeProto): { attribute: string; graph: onnx.IGraphProto }[] {
  const graphs: { attribute: string; graph: onnx.IGraphProto }[] = [];
  for (const a of node.attribute ?? []) {
    if (a.g) graphs.push({ attribute: a.name ?? '', graph: a.g });
    for (const g of a.graphs ?? []) graphs.push({ attribute: a.name ?? '', graph: g });
  }
  return graphs;
}

/** Outer-scope names that a node's subgraphs read, in first-read order, each once. */
export function implicitInputsOf(node: onnx.INodeProto): string[] {
  const names = new Set<string>();
  for (const g of subgraphsOf(node)) for (const name of freeNames(g)) names.add(name);
  return [...names];
}

/** Outer-scope names one subgraph reads (names used but not defined in it), in first-read order. */
export function freeNames(graph: onnx.IGraphProto): string[] {
  const scope = new Set<string>();
  for (const v of graph.input ?? []) scope.add(v.name ?? '');
  for (const t of graph.initializer ?? []) scope.add(t.name ?? '');
  for (const s of graph.sparseInitializer ?? []) scope.add(s.values?.name ?? '');
  for (const n of graph.node ?? []) for (const o of n.output ?? []) scope.add(o);
  const free = new Set<string>();
  const read = (name: string): void => {
    if (name !== '' && !scope.has(name)) free.add(name);
  };
  for (const n of graph.node ?? []) {
    for (const i of n.input ?? []) read(i);
    for (const sub of subgraphsOf(n)) for (const name of freeNames(sub)) read(name);
  }
  for (const o of graph.output ?? []) read(o.name ?? '');
  return [...free];
}

/** Bytes of the weights inside a node's subgraphs (initializers and Constant tensors, recursively). */
export function subgraphWeightBytesOf(node: onnx.INodeProto): number {
  let total = 0;
  for (const g of subgraphsOf(node)) total += graphWeightBytes(g);
  return total;
}

function graphWeightBytes(graph: onnx.IGraphProto): number {
  let total = 0;
  for (const t of graph.initializer ?? []) total += tensorProtoByteSize(t);
  for (const s of graph.sparseInitializer ?? []) {
    if (s.values) total += tensorProtoByteSize(s.values);
    if (s.indices) total += tensorProtoByteSize(s.indices);
  }
  for (const n of graph.node ?? []) {
    if (n.opType === 'Constant' && !n.domain) total += constantProtoBytes(n);
    total += subgraphWeightBytesOf(n);
  }
  return total;
}

function constantProtoBytes(node: onnx.INodeProto): number {
  for (const a of node.attribute ?? []) {
    if (a.name === 'value' && a.t) return tensorProtoByteSize(a.t);
    if (a.name === 'value_float' || a.name === 'value_int') return a.name === 'value_float' ? 4 : 8;
    if (a.name === 'value_floats') return 4 * (a.floats?.length ?? 0);
    if (a.name === 'value_ints') return 8 * (a.ints?.length ?? 0);
  }
  return 0;
}

/**
 * Replaces external data inside a node's subgraphs by raw_data (in place), so that the node, written back
 * as an opaque attribute, does not point at files relative to the original model.
 */
export function inlineSubgraphExternalData(node: onnx.INodeProto, external: ExternalDataReader): void {
  for (const g of subgraphsOf(node)) inlineGraph(g, external);
}

function inlineGraph(graph: onnx.IGraphProto, external: ExternalDataReader): void {
  const inline = (t: onnx.ITensorProto): void => {
    if (!ExternalDataReader.isExternal(t)) return;
    t.rawData = external.read(t);
    t.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
    t.externalData = [];
  };
  for (const t of graph.initializer ?? []) inline(t);
  for (const n of graph.node ?? []) {
    for (const a of n.attribute ?? []) {
      if (a.t) inline(a.t);
      for (const t of a.tensors ?? []) inline(t);
    }
    inlineSubgraphExternalData(n, external);
  }
}
