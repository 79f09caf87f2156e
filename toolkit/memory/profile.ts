/**
 * The memory profile of a graph under an order (pure).
 *
 * Stages: (1) check the order (`checkOrder`); (2) each value's lifetime by the one definition of "live" in
 * `liveness.ts`; (3) live activation bytes per step by a difference array over the lifetimes (O(values + steps)),
 * plus, at a control-flow node's own step, its bodies' internal working bytes (`control-flow.ts`);
 * (4) weights apart: initializers, `Constant` outputs and control-flow subgraph weights; (5) the peak.
 *
 * Definitions: peakActivationBytes = the largest live activation bytes over all steps; peakBytes = weightBytes +
 * peakActivationBytes (all weights are resident for the whole run). The peak step is the first step reaching
 * the peak. A graph with no nodes has no steps, peak step -1 and peak activation bytes 0.
 */
import { ShapedGraph } from '../graph/graph';
import { checkOrder } from './order';
import { valueLifetimes } from './liveness';
import { bodyWorkingBytes } from './control-flow';

export interface StepMemory {
  readonly step: number;
  /** Node index run at this step. */
  readonly node: number;
  readonly name: string;
  readonly op: string;
  readonly liveActivationBytes: number;
}

export interface MemoryProfile {
  readonly graph: ShapedGraph;
  readonly order: readonly number[];
  /** Per node index: its step in the order. */
  readonly stepOfNode: readonly number[];
  /** Per value index: first step live (-1 for weights). */
  readonly firstStep: readonly number[];
  /** Per value index: last step live (-1 for weights). */
  readonly lastStep: readonly number[];
  readonly steps: readonly StepMemory[];
  /** Initializers + Constant outputs + control-flow subgraph weights. */
  readonly weightBytes: number;
  readonly peakActivationBytes: number;
  /** weightBytes + peakActivationBytes. */
  readonly peakBytes: number;
  /** First step where the live activation bytes reach their peak; -1 for an empty graph. */
  readonly peakStep: number;
  /** The node run at the peak step. */
  readonly peakNode: { readonly index: number; readonly name: string; readonly op: string } | undefined;
}

export function analyzeMemory(graph: ShapedGraph, order: readonly number[]): MemoryProfile {
  const stepOfNode = checkOrder(graph, order);
  const { firstStep, lastStep } = valueLifetimes(graph, order, stepOfNode);
  const delta = new Array<number>(order.length + 1).fill(0);
  let weightBytes = 0;
  for (const value of graph.values) {
    if (firstStep[value.index] < 0) {
      weightBytes += value.bytes;
      continue;
    }
    if (order.length === 0) continue;
    delta[firstStep[value.index]] += value.bytes;
    delta[lastStep[value.index] + 1] -= value.bytes;
  }
  for (const node of graph.nodes) weightBytes += node.subgraphWeightBytes;
  order.forEach((nodeIndex, step) => {
    const body = graph.nodes[nodeIndex].bodies.length > 0 ? bodyWorkingBytes(graph, graph.nodes[nodeIndex]) : 0;
    delta[step] += body;
    delta[step + 1] -= body;
  });
  const steps: StepMemory[] = [];
  let live = 0;
  let peakActivationBytes = 0;
  let peakStep = -1;
  order.forEach((nodeIndex, step) => {
    live += delta[step];
    const node = graph.nodes[nodeIndex];
    steps.push({ step, node: nodeIndex, name: node.name, op: node.opType, liveActivationBytes: live });
    if (peakStep < 0 || live > peakActivationBytes) {
      peakActivationBytes = live;
      peakStep = step;
    }
  });
  const peakNode = peakStep >= 0
    ? { index: order[peakStep], name: graph.nodes[order[peakStep]].name, op: graph.nodes[order[peakStep]].opType }
    : undefined;
  return {
    graph, order, stepOfNode, firstStep, lastStep, steps, weightBytes,
    peakActivationBytes, peakBytes: weightBytes + peakActivationBytes, peakStep, peakNode,
  };
}
