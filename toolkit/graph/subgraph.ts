/**
 * extractSubgraph: a standalone Graph made of some nodes of a larger one (one task's model).
 *
 * Stages:
 *   1. Check the request: node and value indices exist, no node is listed twice, no listed input is
 *      produced by a listed node.
 *   2. Resolve what each node reads (inputs and implicit inputs): a value produced by a listed node, a listed
 *      input, an initializer (copied along with its data), or the output of a `Constant` node that is not
 *      listed (turned into an initializer holding the Constant's tensor). Anything else is an error.
 *   3. Assemble: listed inputs first (keeping dtype and shape), then the initializers, then the nodes'
 *      outputs in the given node order; the listed outputs become the graph's outputs.
 *
 * Invariants: the result is pure data (no protobuf); node names, attributes (opaque ones included),
 * implicit inputs and subgraph weight bytes are kept; every value keeps its name, dtype and shape.
 */
import { QuiltError } from '../core/errors';
import { assembleGraph, PendingNodeLike, PendingValueLike } from './builder';
import { Graph, Node, TensorData, Value } from './graph';

export interface ExtractOptions {
  /** Value indices that become the graph's inputs (graph inputs or cut tensors of the larger graph). */
  readonly inputs: readonly number[];
  /** Value indices that become the graph's outputs. */
  readonly outputs: readonly number[];
  /** Name of the new graph; default `<graph>_part`. */
  readonly name?: string;
}

export function extractSubgraph(graph: Graph, nodeIndices: readonly number[], options: ExtractOptions): Graph {
  const name = options.name ?? `${graph.name}_part`;
  const where = `extracting '${name}' from graph '${graph.name}'`;
  const valueAt = (i: number, role: string): Value => {
    const v = Number.isInteger(i) ? graph.values[i] : undefined;
    if (v === undefined) throw new QuiltError(`${where}: ${role} ${i} is not a value index`);
    return v;
  };

  const listedNodes = new Set<number>();
  for (const i of nodeIndices) {
    if (!Number.isInteger(i) || graph.nodes[i] === undefined) throw new QuiltError(`${where}: ${i} is not a node index`);
    if (listedNodes.has(i)) throw new QuiltError(`${where}: node '${graph.nodes[i].name}' is listed twice`);
    listedNodes.add(i);
  }
  const inputSet = new Set<number>();
  for (const i of options.inputs) {
    const v = valueAt(i, 'input');
    if (listedNodes.has(v.producer)) {
      throw new QuiltError(`${where}: input '${v.name}' is produced by node '${graph.nodes[v.producer].name}', which is part of it`);
    }
    inputSet.add(i);
  }

  const initializers = new Map<number, TensorData>();
  const resolveRead = (valueIndex: number, nodeName: string): void => {
    if (valueIndex < 0) return;
    const v = graph.values[valueIndex];
    if (listedNodes.has(v.producer) || inputSet.has(valueIndex) || initializers.has(valueIndex)) return;
    if (v.producer === -1 && v.data !== undefined) {
      initializers.set(valueIndex, v.data);
      return;
    }
    if (v.producer >= 0 && v.kind === 'weight') {
      const data = constantTensor(graph.nodes[v.producer]);
      if (data !== undefined) {
        initializers.set(valueIndex, data);
        return;
      }
    }
    throw new QuiltError(
      `${where}: node '${nodeName}' reads '${v.name}', which is neither produced by its nodes, a listed input, nor a weight`,
    );
  };
  for (const i of nodeIndices) {
    const node = graph.nodes[i];
    for (const v of node.inputs) resolveRead(v, node.name);
    for (const v of node.implicitInputs) resolveRead(v, node.name);
  }
  for (const i of options.outputs) {
    const v = valueAt(i, 'output');
    resolveRead(i, `(graph output '${v.name}')`);
  }

  const pendingValues: PendingValueLike[] = [];
  const added = new Set<number>();
  const addValue = (i: number, kind: PendingValueLike['kind'], data?: TensorData): void => {
    if (added.has(i)) return;
    added.add(i);
    const v = graph.values[i];
    pendingValues.push({ name: v.name, dtype: data?.dtype ?? v.dtype, shape: data?.dims ?? v.shape, kind, data });
  };
  for (const i of options.inputs) addValue(i, 'input');
  for (const [i, data] of initializers) addValue(i, 'weight', data);
  const pendingNodes: PendingNodeLike[] = nodeIndices.map((i) => {
    const node = graph.nodes[i];
    for (const o of node.outputs) addValue(o, 'activation');
    const nameOf = (v: number): string => (v < 0 ? '' : graph.values[v].name);
    return {
      name: node.name,
      opType: node.opType,
      domain: node.domain,
      inputs: node.inputs.map(nameOf),
      outputs: node.outputs.map(nameOf),
      attributes: node.attributes,
      implicitInputs: node.implicitInputs.map(nameOf),
      subgraphWeightBytes: node.subgraphWeightBytes,
      bodies: node.bodies,
    };
  });
  const nameOf = (i: number): string => graph.values[i].name;
  return assembleGraph(
    name, graph.opsets, pendingValues, pendingNodes, [...inputSet].map(nameOf), [...new Set(options.outputs)].map(nameOf),
  );
}

/**
 * The tensor a `Constant` node produces, as raw little-endian bytes, or undefined when the node is not a
 * Constant or holds something the toolkit keeps no bytes for (strings, sparse tensors).
 */
export function constantTensor(node: Pick<Node, 'opType' | 'domain' | 'attributes'>): TensorData | undefined {
  if (node.opType !== 'Constant' || node.domain !== '') return undefined;
  for (const [key, attr] of node.attributes) {
    if (key === 'value' && attr.type === 'tensor') return attr.value;
    if (key === 'value_float' && attr.type === 'float') return numbersTensor('float32', [], [attr.value]);
    if (key === 'value_floats' && attr.type === 'floats') return numbersTensor('float32', [attr.value.length], attr.value);
    if (key === 'value_int' && attr.type === 'int') return numbersTensor('int64', [], [attr.value]);
    if (key === 'value_ints' && attr.type === 'ints') return numbersTensor('int64', [attr.value.length], attr.value);
  }
  return undefined;
}

function numbersTensor(dtype: 'float32' | 'int64', dims: readonly number[], numbers: readonly number[]): TensorData {
  const bytes = new Uint8Array(numbers.length * (dtype === 'float32' ? 4 : 8));
  const view = new DataView(bytes.buffer);
  numbers.forEach((x, i) => {
    if (dtype === 'float32') view.setFloat32(i * 4, x, true);
    else view.setBigInt64(i * 8, BigInt(x), true);
  });
  return { dtype, dims, bytes };
}
