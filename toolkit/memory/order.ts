/**
 * The analyses' view of an order (node indices; the orders themselves come from graph/order.ts): `checkOrder`
 * is the one gate every analysis passes an order through, and `valuesReadBy` what a node reads.
 */
import { Graph } from '../graph/graph';
import { QuiltError } from '../core/errors';
import { topologicalOrderProblem } from '../graph/order';

/** The distinct values a node reads: its inputs and its implicit (subgraph) inputs; omitted inputs left out. */
export function valuesReadBy(node: Graph['nodes'][number]): number[] {
  const seen = new Set<number>();
  for (const v of node.inputs) if (v >= 0) seen.add(v);
  for (const v of node.implicitInputs) if (v >= 0) seen.add(v);
  return [...seen];
}

/**
 * Checks that `order` is a topological order of all of the graph's nodes and returns each node's step
 * (its position in the order), indexed by node index. Throws QuiltError saying what is wrong.
 */
export function checkOrder(graph: Graph, order: readonly number[]): number[] {
  const problem = topologicalOrderProblem(graph, order);
  if (problem !== undefined) throw new QuiltError(`order for model '${graph.name}' is not topological: ${problem}`);
  const stepOfNode = new Array<number>(graph.nodes.length);
  order.forEach((nodeIndex, step) => { stepOfNode[nodeIndex] = step; });
  return stepOfNode;
}
