/**
 * Node orders: the file's order when it is topological, otherwise a stable topological sort.
 *
 * Stages of `fileOrder`:
 *   1. Check whether the nodes, in index (file) order, already read only values produced earlier; if so,
 *      that order is returned unchanged (the common case, O(nodes + edges)).
 *   2. Otherwise run Kahn's algorithm, always taking the ready node with the smallest index next, so the
 *      result stays as close to the file's order as the dependencies allow (deterministic, stable).
 *   3. Nodes left over after Kahn's algorithm lie on or behind a cycle: walk back along unfinished
 *      producers until a node repeats, and report that cycle by node names.
 *
 * Invariants: a node depends on the producer of each of its inputs *and* implicit inputs (values that a
 * control-flow node's subgraphs read from the outer scope); graph inputs and initializers (producer -1)
 * and omitted optional inputs (-1) impose nothing. A returned order lists every node exactly once.
 */
import { QuiltError } from '../core/errors';
import { Graph, Node } from './graph';

/** Node indices whose outputs the node reads (each producer once; may include the node itself on a self-loop). */
export function nodeDependencies(graph: Graph, node: Node): number[] {
  const producers = new Set<number>();
  for (const v of node.inputs) if (v >= 0 && graph.values[v].producer >= 0) producers.add(graph.values[v].producer);
  for (const v of node.implicitInputs) if (v >= 0 && graph.values[v].producer >= 0) producers.add(graph.values[v].producer);
  return [...producers];
}

/** The file's order if it is topological, else the stable topological sort; a cycle is a QuiltError. */
export function fileOrder(graph: Graph): number[] {
  const identity = graph.nodes.map((n) => n.index);
  if (isTopologicalOrder(graph, identity)) return identity;
  return stableTopologicalSort(graph);
}

function stableTopologicalSort(graph: Graph): number[] {
  const n = graph.nodes.length;
  const dependencies = graph.nodes.map((node) => nodeDependencies(graph, node));
  const dependents: number[][] = graph.nodes.map(() => []);
  const waitingOn = new Array<number>(n).fill(0);
  dependencies.forEach((deps, i) => {
    waitingOn[i] = deps.length;
    for (const d of deps) dependents[d].push(i);
  });
  const ready = new MinHeap();
  for (let i = 0; i < n; i++) if (waitingOn[i] === 0) ready.push(i);
  const order: number[] = [];
  while (ready.size > 0) {
    const next = ready.pop();
    order.push(next);
    for (const d of dependents[next]) if (--waitingOn[d] === 0) ready.push(d);
  }
  if (order.length < n) throw new QuiltError(describeCycle(graph, dependencies, waitingOn));
  return order;
}

function describeCycle(graph: Graph, dependencies: readonly number[][], waitingOn: readonly number[]): string {
  const start = waitingOn.findIndex((w) => w > 0);
  // Every unfinished node waits on at least one unfinished producer: walking back must revisit a node.
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  let current = start;
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    current = dependencies[current].find((d) => waitingOn[d] > 0) as number;
  }
  const cycle = path.slice(seenAt.get(current)).reverse();
  const names = [...cycle, cycle[0]].map((i) => `'${graph.nodes[i].name}'`).join(' -> ');
  return `graph '${graph.name}' has a cycle through node '${graph.nodes[current].name}' (${names})`;
}

/** Why `order` is not a topological order of all the graph's nodes, or undefined when it is one. */
export function topologicalOrderProblem(graph: Graph, order: readonly number[]): string | undefined {
  const n = graph.nodes.length;
  if (order.length !== n) return `order lists ${order.length} nodes but graph '${graph.name}' has ${n}`;
  const position = new Array<number>(n).fill(-1);
  order.forEach((nodeIndex, step) => {
    if (Number.isInteger(nodeIndex) && nodeIndex >= 0 && nodeIndex < n && position[nodeIndex] === -1) position[nodeIndex] = step;
  });
  for (let step = 0; step < order.length; step++) {
    const nodeIndex = order[step];
    if (!Number.isInteger(nodeIndex) || nodeIndex < 0 || nodeIndex >= n) {
      return `order step ${step} names node ${nodeIndex}, which graph '${graph.name}' does not have`;
    }
    if (position[nodeIndex] !== step) return `order lists node '${graph.nodes[nodeIndex].name}' twice`;
  }
  for (const nodeIndex of order) {
    const node = graph.nodes[nodeIndex];
    for (const v of [...node.inputs, ...node.implicitInputs]) {
      if (v < 0) continue;
      const producer = graph.values[v].producer;
      if (producer >= 0 && position[producer] >= position[nodeIndex]) {
        return `node '${node.name}' reads '${graph.values[v].name}' before node '${graph.nodes[producer].name}' produces it`;
      }
    }
  }
  return undefined;
}

/** Whether `order` lists every node once, each after the producers of all it reads. */
export function isTopologicalOrder(graph: Graph, order: readonly number[]): boolean {
  return topologicalOrderProblem(graph, order) === undefined;
}

/** Throws a QuiltError saying what is wrong when `order` is not a topological order of the graph. */
export function assertTopologicalOrder(graph: Graph, order: readonly number[]): void {
  const problem = topologicalOrderProblem(graph, order);
  if (problem !== undefined) throw new QuiltError(problem);
}

/** A binary min-heap of node indices (the ready set of the stable sort). */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= a[i]) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < a.length && a[l] < a[smallest]) smallest = l;
        if (r < a.length && a[r] < a[smallest]) smallest = r;
        if (smallest === i) break;
        [a[smallest], a[i]] = [a[i], a[smallest]];
        i = smallest;
      }
    }
    return top;
  }
}
