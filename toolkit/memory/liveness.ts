/**
 * Liveness: THE definition of when a value occupies memory. Every analysis in the toolkit (the memory profile,
 * a task's demand, the peak-reducing reorder) uses this definition and nothing else.
 *
 *   Weights (initializers and `Constant` outputs, `kind === 'weight'`) are never activations: they are counted
 *   apart, as weight bytes, for the whole time the model (or task) is loaded.
 *
 *   Every other value is an activation: a graph input, a node output that is not a weight, a graph output.
 *   With step(n) the position of node n in the order (0-based) and `last` = order length - 1:
 *     first step  = step(producer), or 0 for a value with no producer (a graph input);
 *     last step   = `last` if it is a graph output, else the largest step of a node that reads it (inputs and
 *                   implicit inputs of control-flow nodes both count as reads), else its first step (a value
 *                   nobody reads is live only at the step that produces it).
 *   An activation is live at step s when first step <= s <= last step: a node's inputs and its outputs are
 *   live together while it runs.
 *
 * Invariants: first step <= last step for every activation; weights have both steps -1.
 */
import { ShapedGraph, Value } from '../graph/graph';
import { valuesReadBy } from './order';

/** Whether a value counts as an activation (anything that is not a weight). */
export function isActivation(value: Value): boolean {
  return value.kind !== 'weight';
}

export interface Lifetimes {
  /** Per value index: the first step it is live, or -1 for weights. */
  readonly firstStep: readonly number[];
  /** Per value index: the last step it is live, or -1 for weights. */
  readonly lastStep: readonly number[];
  /** Per value index: the step of the last node that reads it, or -1 when no node does. */
  readonly lastReadStep: readonly number[];
}

/** Each value's lifetime under `order`; `stepOfNode` comes from `checkOrder`. */
export function valueLifetimes(graph: ShapedGraph, order: readonly number[], stepOfNode: readonly number[]): Lifetimes {
  const count = graph.values.length;
  const lastReadStep = new Array<number>(count).fill(-1);
  order.forEach((nodeIndex, step) => {
    for (const v of valuesReadBy(graph.nodes[nodeIndex])) lastReadStep[v] = Math.max(lastReadStep[v], step);
  });
  const isGraphOutput = new Array<boolean>(count).fill(false);
  for (const v of graph.outputs) isGraphOutput[v] = true;
  const lastOrderStep = Math.max(order.length - 1, 0);
  const firstStep = new Array<number>(count).fill(-1);
  const lastStep = new Array<number>(count).fill(-1);
  for (const value of graph.values) {
    if (!isActivation(value)) continue;
    const first = value.producer >= 0 ? stepOfNode[value.producer] : 0;
    firstStep[value.index] = first;
    if (isGraphOutput[value.index]) lastStep[value.index] = lastOrderStep;
    else lastStep[value.index] = Math.max(first, lastReadStep[value.index]);
  }
  return { firstStep, lastStep, lastReadStep };
}
