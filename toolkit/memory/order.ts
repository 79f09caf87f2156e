/**
 * Orders: a topological order of a graph's nodes, given as node indices. `checkOrder` is the one gate every
 * analysis passes an order through: it must name every node exactly once, and every node must come after the
 * producers of all the values it reads (its inputs and, for control flow, its implicit inputs).
 */
import { Graph } from '../graph/graph';
import { QuiltError } from '../errors';

/** The file's order: node indices 0..n-1 (ONNX requires files to list nodes topologically). */
export function fileOrder(graph: Graph): number[] {
  return graph.nodes.map((_, i) => i);
}

/** The distinct values a node reads: its inputs and its implicit (subgraph) inputs; omitted inputs left out. */
export function valuesReadBy(node: Graph['nodes'][number]): number[] {
  const seen = new Set<number>();
  for (const v of node.inputs) if (v >= 0) seen.add(v);
  for (const v of node.implicitInputs) if (v >= 0) seen.add(v);
  return [...seen];
}

/**
 * Checks that `order` is a topological order of all of the graph's nodes and returns each node's step
 * (its position in the order), indexed by node index. Throws QuiltError naming the first offending node.
 */
export function checkOrder(graph: Graph, order: readonly number[]): number[] {
  const where = `order for model '${graph.name}'`;
  if (order.length !== graph.nodes.length) {
    throw new QuiltError(`${where}: lists ${order.length} nodes but the graph has ${graph.nodes.length}`);
  }
  const stepOfNode = new Array<number>(graph.nodes.length).fill(-1);
  order.forEach((nodeIndex, step) => {
    if (!Number.isInteger(nodeIndex) || nodeIndex < 0 || nodeIndex >= graph.nodes.length) {
      throw new QuiltError(`${where}: step ${step} names node index ${nodeIndex}, which does not exist`);
    }
    if (stepOfNode[nodeIndex] !== -1) {
      throw new QuiltError(`${where}: node '${graph.nodes[nodeIndex].name}' appears twice (steps ${stepOfNode[nodeIndex]} and ${step})`);
    }
    stepOfNode[nodeIndex] = step;
  });
  for (const nodeIndex of order) {
    const node = graph.nodes[nodeIndex];
    for (const v of valuesReadBy(node)) {
      const producer = graph.values[v].producer;
      if (producer >= 0 && stepOfNode[producer] > stepOfNode[nodeIndex]) {
        throw new QuiltError(
          `${where} is not topological: node '${node.name}' (${node.opType}) at step ${stepOfNode[nodeIndex]} reads '${graph.values[v].name}', `
          + `which node '${graph.nodes[producer].name}' produces later, at step ${stepOfNode[producer]}`,
        );
      }
    }
  }
  return stepOfNode;
}
