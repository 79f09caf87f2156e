/**
 * One wave of the shape fallback: which nodes onnxruntime must run to shape the nodes static inference is
 * stuck at (the frontier), and what each of their inputs is fed with. Pure planning; ort-fallback.ts runs it.
 *
 * Stages: (1) the frontier: unresolved nodes whose inputs are all known (no rule, or a data-dependent shape);
 * (2) for each frontier input that is neither a weight nor of known contents: when it is small (shape-like
 * data, isSmall in known.ts) and the activations of its producer cone fit the cone budget,
 * the cone (its ancestors back to values of known contents, weights or graph inputs) runs in the same wave so
 * the input holds what a whole run would give it; otherwise it is fed filler values (see ort-fallback.ts);
 * (3) the wave's inputs: every value its nodes read that no wave node produces and that is not a weight.
 *
 * Invariants: memory is bounded by the frontier's own tensors plus the cone budget, never the whole graph;
 * an output's contents are kept (for later static folding) only when no input of the wave was replaced by
 * filler values other than a graph input's (whose filler is the documented stand-in for data nobody gave).
 */
import { Graph, elementCount } from '../graph/graph';
import { Known, isSmall } from './known';
import { dtypeByteSize } from '../core/dtype';

/** Activation bytes a wave may recompute to give a small frontier input its true contents. */
export const CONE_BUDGET_BYTES = 64 * 1024 * 1024;

export interface FallbackWave {
  /** Frontier nodes, whose outputs the wave is for. */
  readonly frontier: readonly number[];
  /** Every node the wave runs (cones and frontier), in topological (file) order. */
  readonly nodes: readonly number[];
  /** Values fed to the wave (not weights, not produced inside it). */
  readonly inputs: readonly number[];
  /** Inputs fed with filler values that stand in for an activation (not a graph input, contents unknown). */
  readonly filled: readonly number[];
  /** Ask onnxruntime's load-time shape inference only, never run (a wide wave over every unresolved node). */
  readonly inferenceOnly?: boolean;
}

/**
 * The wide wave: every unresolved node at once, answered by onnxruntime's load-time shape inference alone
 * (a session is created, nothing runs, so no activation is allocated); the frontier wave runs only when this
 * shapes nothing new.
 */
export function planWideWave(graph: Graph, unresolved: readonly number[], rank?: readonly number[]): FallbackWave {
  const nodes = [...unresolved].sort((a, b) => (rank === undefined ? a - b : rank[a] - rank[b]));
  const produced = new Set(nodes.flatMap((n) => graph.nodes[n].outputs));
  const inputs = [...new Set(nodes.flatMap((n) => reads(graph, n)))].filter((v) => !produced.has(v) && !isWeight(graph, v));
  return { frontier: nodes, nodes, inputs, filled: [], inferenceOnly: true };
}

function isWeight(graph: Graph, v: number): boolean {
  const value = graph.values[v];
  return value.kind === 'weight' || (value.producer === -1 && !graph.inputs.includes(v));
}

function reads(graph: Graph, node: number): number[] {
  const n = graph.nodes[node];
  return [...n.inputs, ...n.implicitInputs].filter((v) => v >= 0);
}

/** Known value whose contents are not needed or are known: a weight, a known constant, or a graph input. */
function isSource(graph: Graph, known: readonly (Known | undefined)[], v: number): boolean {
  return isWeight(graph, v) || known[v]?.constant !== undefined || graph.values[v].producer === -1;
}

/** The nodes that compute `value` from sources, and their activation bytes; undefined past the budget. */
function coneOf(graph: Graph, known: readonly (Known | undefined)[], value: number, budget: number): { nodes: Set<number>; bytes: number } | undefined {
  const nodes = new Set<number>();
  let bytes = 0;
  const stack = [value];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const v = stack.pop() as number;
    if (seen.has(v) || isSource(graph, known, v)) continue;
    seen.add(v);
    const k = known[v];
    if (k === undefined) return undefined;
    bytes += elementCount(k.shape) * dtypeByteSize(k.dtype);
    if (bytes > budget) return undefined;
    const producer = graph.values[v].producer;
    if (!nodes.has(producer)) {
      nodes.add(producer);
      stack.push(...reads(graph, producer));
    }
  }
  return { nodes, bytes };
}

/** Plans the wave for `frontier` given what is known (per value index); `rank` is each node's place in a topological order. */
export function planWave(
  graph: Graph, known: readonly (Known | undefined)[], frontier: readonly number[],
  options: { coneBudgetBytes?: number; rank?: readonly number[] } = {},
): FallbackWave {
  const running = new Set(frontier);
  let budget = options.coneBudgetBytes ?? CONE_BUDGET_BYTES;
  for (const node of frontier) {
    for (const v of reads(graph, node)) {
      const k = known[v];
      if (k === undefined || isSource(graph, known, v) || !isSmall(k.shape)) continue;
      const cone = coneOf(graph, known, v, budget);
      if (cone === undefined) continue;
      budget -= cone.bytes;
      for (const n of cone.nodes) running.add(n);
    }
  }
  const rank = options.rank;
  const nodes = [...running].sort((a, b) => (rank === undefined ? a - b : rank[a] - rank[b]));
  const produced = new Set(nodes.flatMap((n) => graph.nodes[n].outputs));
  const inputs = [...new Set(nodes.flatMap((n) => reads(graph, n)))].filter((v) => !produced.has(v) && !isWeight(graph, v));
  const filled = inputs.filter((v) => !isSource(graph, known, v));
  return { frontier, nodes, inputs, filled };
}

/** The unresolved nodes whose inputs are all known: what the next wave must run. */
export function frontierOf(graph: Graph, known: readonly (Known | undefined)[], unresolved: readonly number[]): number[] {
  return unresolved.filter((n) => graph.nodes[n].inputs.every((v) => v < 0 || known[v] !== undefined)
    && graph.nodes[n].implicitInputs.every((v) => known[v] !== undefined));
}
