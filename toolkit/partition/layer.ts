/**
 * The `layer` granularity's ranges: one task per layer, where a layer is one operator plus the element-wise
 * activation that directly follows it (Conv+Relu, Gemm+Relu, Add+Relu, Conv+Clip), as cuDNN, TensorRT and
 * PyTorch's fused modules run a layer. The activation joins its operator when all of these hold:
 *   - it is the next non-Constant node of the order after the operator;
 *   - its data input (input 0) is an output of the operator, read by nothing else and not a graph output;
 *   - the operator itself is not an activation (one activation per layer; a chain of Relus stays one task each).
 * Constant nodes are first moved to just before their first reader and join that reader's task; trailing ones
 * join the last task. Everything else is one task per operator.
 * Why the activation joins: a separate task for it costs one more session run and one more tensor handed over
 * for work the runtime folds into its producer (measured with `bench/session-cost.ts`: a lone Relu task after
 * a ResNet-50 Conv cost 120-620 us, inside the Conv's task about nothing); so the layer-level baseline stays as
 * strong as a one-layer-per-task design can be.
 */
import { ShapedGraph } from '../graph/graph';
import { DemandModel } from './demand';

/** The element-wise activations (ONNX, default domain) that join the operator before them. */
export const LAYER_ACTIVATIONS: ReadonlySet<string> = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'Celu',
  'Softplus', 'Softsign', 'Gelu', 'Mish', 'ThresholdedRelu',
]);

function isConstantNode(graph: ShapedGraph, nodeIndex: number): boolean {
  const node = graph.nodes[nodeIndex];
  return node.opType === 'Constant' && node.domain === '' && node.inputs.length === 0;
}

function isActivation(graph: ShapedGraph, nodeIndex: number): boolean {
  const node = graph.nodes[nodeIndex];
  return node.domain === '' && LAYER_ACTIVATIONS.has(node.opType);
}

/** Does the activation at node `act` join the operator at node `op` (the rule above, less the adjacency)? */
function joins(graph: ShapedGraph, op: number, act: number): boolean {
  if (isActivation(graph, op) || !isActivation(graph, act)) return false;
  const input = graph.nodes[act].inputs[0];
  if (input === undefined || !graph.nodes[op].outputs.includes(input)) return false;
  const value = graph.values[input];
  return value.consumers.length === 1 && !graph.outputs.includes(input);
}

/** The order with every Constant node moved to just before its first reader (unread ones stay put): still topological. */
export function constantsBeforeReaders(graph: ShapedGraph, order: readonly number[]): number[] {
  const step = new Array<number>(graph.nodes.length).fill(-1);
  order.forEach((nodeIndex, s) => { step[nodeIndex] = s; });
  const waiting = new Map<number, number[]>();
  const moved = new Set<number>();
  for (const nodeIndex of order) {
    if (!isConstantNode(graph, nodeIndex)) continue;
    let firstReader = -1;
    for (const v of graph.nodes[nodeIndex].outputs) {
      for (const c of graph.values[v].consumers) if (firstReader < 0 || step[c] < step[firstReader]) firstReader = c;
    }
    if (firstReader < 0) continue;
    moved.add(nodeIndex);
    const list = waiting.get(firstReader) ?? [];
    list.push(nodeIndex);
    waiting.set(firstReader, list);
  }
  const result: number[] = [];
  for (const nodeIndex of order) {
    if (moved.has(nodeIndex)) continue;
    result.push(...(waiting.get(nodeIndex) ?? []), nodeIndex);
  }
  return result;
}

/** The layer ranges [start, end) of a demand model whose order went through `constantsBeforeReaders`. */
export function layerRanges(model: DemandModel): [number, number][] {
  const { graph, order } = model;
  const ranges: [number, number][] = [];
  let start = 0;
  let head = -1; // the operator of the range being closed, for the activation rule
  order.forEach((nodeIndex, s) => {
    if (isConstantNode(graph, nodeIndex)) return;
    if (head >= 0 && joins(graph, head, nodeIndex)) {
      ranges[ranges.length - 1][1] = s + 1;
      head = -1;
    } else {
      ranges.push([start, s + 1]);
      head = nodeIndex;
    }
    start = s + 1;
  });
  if (start < order.length) {
    if (ranges.length > 0) ranges[ranges.length - 1][1] = order.length;
    else ranges.push([start, order.length]);
  }
  return ranges;
}
