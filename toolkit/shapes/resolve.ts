/**
 * resolveShapes: every value of a graph gets a dtype, a concrete shape and its byte size.
 * Stages: (1) concrete input shapes (given, or the file's static dims) and given input values; (2) the static
 * pass with constant propagation (infer.ts); (3) while values stay unknown, alternate with the static pass:
 * first a wide wave (every unresolved node, answered by onnxruntime's load-time shape inference, nothing runs),
 * and when that shapes nothing new, a run of only the frontier (the nodes static inference is stuck at, plus
 * the small cones that give their shape-like inputs true contents; fallback-wave.ts); (4) the ShapedGraph,
 * with the same value and node indices as the input graph, plus a report of what the fallback resolved.
 * Invariant: each wave adds at least one value or resolution stops with a QuiltError naming the node, so an
 * op without a rule costs one small run of that op, never a run of the whole graph.
 */
import { Graph, ShapedGraph, ShapedValue, elementCount } from '../graph/graph';
import { dtypeByteSize } from '../core/dtype';
import { fileOrder } from '../graph/order';
import { QuiltError } from '../core/errors';
import { FallbackWave, frontierOf, planWave, planWideWave } from './fallback-wave';
import { StaticInference, UnresolvedReason, inferStatic, initializerKnowns } from './infer';
import { InputShapes, InputValues, inputKnowns } from './inputs';
import { Known } from './known';

export interface ResolveOptions {
  /** Shapes of graph inputs by name; they win over the file's dims. */
  readonly inputShapes?: InputShapes;
  /** Values of graph inputs by name (one value fills the tensor); used by static folding and the fallback. */
  readonly inputValues?: InputValues;
  /** What to do with values static inference cannot shape: run onnxruntime ('ort', the default) or fail. */
  readonly fallback?: 'ort' | 'none';
  /** false switches every static rule off, so that the fallback shapes everything (to measure its cost). */
  readonly staticRules?: boolean;
}

/** Asks something outside static inference for the Knowns of the outputs of a wave's frontier nodes. */
export type ShapeFallback = (
  graph: Graph, wave: FallbackWave, known: readonly (Known | undefined)[], inputValues: ReadonlyMap<number, readonly number[]>,
) => Promise<ReadonlyMap<number, Known>>;

export interface FallbackNode {
  readonly name: string;
  readonly opType: string;
  readonly reason: UnresolvedReason;
}

export interface ShapeResolution {
  /** Values shaped by the static pass (inputs and weights included). */
  readonly staticValues: number;
  /** Names of the values whose shapes came from the onnxruntime fallback. */
  readonly fallbackValues: readonly string[];
  /** Nodes onnxruntime ran to shape their outputs (the frontiers), and why static inference could not. */
  readonly fallbackNodes: readonly FallbackNode[];
  /** Number of onnxruntime runs (waves) the fallback made. */
  readonly fallbackRuns: number;
}

export interface ResolvedGraph extends ShapedGraph {
  readonly resolution: ShapeResolution;
}

function seedsOf(graph: Graph, inputShapes: InputShapes | undefined, inputValues: InputValues | undefined): Map<number, Known> {
  const seeds = initializerKnowns(graph);
  for (const [i, k] of inputKnowns(graph, inputShapes, inputValues)) seeds.set(i, k);
  return seeds;
}

function unknownValues(inference: StaticInference): number[] {
  return inference.values.flatMap((k, i) => (k === undefined ? [i] : []));
}

function describeUnresolved(graph: Graph, inference: StaticInference): string {
  const first = inference.unresolved.find((u) => u.reason !== 'unknown-input') ?? inference.unresolved[0];
  const node = graph.nodes[first.node];
  const why = { 'no-rule': 'no static shape rule for this op', 'data-dependent': 'its output shape depends on data', 'unknown-input': 'an input has no known shape' }[first.reason];
  const more = inference.unresolved.length - 1;
  return `node '${node.name}' (${node.opType}): ${why}${more > 0 ? ` (and ${more} more nodes)` : ''}`;
}

function assemble(graph: Graph, values: readonly (Known | undefined)[], fallbackValues: readonly number[], fallbackNodes: readonly FallbackNode[], runs: number): ResolvedGraph {
  const shaped: ShapedValue[] = graph.values.map((v, i) => {
    const k = values[i];
    if (k === undefined) throw new QuiltError(`graph '${graph.name}': no shape could be found for value '${v.name}'`);
    return { ...v, dtype: k.dtype, shape: k.shape, bytes: elementCount(k.shape) * dtypeByteSize(k.dtype) };
  });
  const resolution: ShapeResolution = {
    staticValues: graph.values.length - fallbackValues.length,
    fallbackValues: fallbackValues.map((i) => graph.values[i].name),
    fallbackNodes,
    fallbackRuns: runs,
  };
  return { ...graph, values: shaped, resolution };
}

/** Static resolution only: throws a QuiltError naming the first node it cannot shape. */
export function resolveShapesStatic(graph: Graph, options: { inputShapes?: InputShapes; inputValues?: InputValues } = {}): ResolvedGraph {
  const inference = inferStatic(graph, seedsOf(graph, options.inputShapes, options.inputValues));
  if (unknownValues(inference).length > 0) {
    throw new QuiltError(`graph '${graph.name}': cannot infer shapes statically at ${describeUnresolved(graph, inference)}`);
  }
  return assemble(graph, inference.values, [], [], 0);
}

/** Resolution with an explicit fallback (tests pass their own; resolveShapes passes onnxruntime's). */
export async function resolveShapesWith(graph: Graph, options: ResolveOptions, fallback: ShapeFallback | undefined): Promise<ResolvedGraph> {
  const seeds = seedsOf(graph, options.inputShapes, options.inputValues);
  const rules = options.staticRules ?? true;
  const inputValues = new Map(Object.entries(options.inputValues ?? {}).map(([name, v]) => [graph.valueByName.get(name) as number, v]));
  const order = fileOrder(graph);
  const rank: number[] = [];
  order.forEach((n, i) => { rank[n] = i; });
  const fromFallback: number[] = [];
  const fallbackNodes: FallbackNode[] = [];
  let runs = 0;
  let inference = inferStatic(graph, seeds, { rules });
  let wide = true;
  while (unknownValues(inference).length > 0) {
    if (fallback === undefined) {
      throw new QuiltError(`graph '${graph.name}': cannot infer shapes statically at ${describeUnresolved(graph, inference)}; allow the onnxruntime fallback`);
    }
    const reasons = new Map(inference.unresolved.map((u) => [u.node, u.reason]));
    const frontier = frontierOf(graph, inference.values, inference.unresolved.map((u) => u.node));
    if (frontier.length === 0) throw new QuiltError(`graph '${graph.name}': cannot shape ${describeUnresolved(graph, inference)}`);
    const wave = wide ? planWideWave(graph, inference.unresolved.map((u) => u.node), rank) : planWave(graph, inference.values, frontier, { rank });
    const found = await fallback(graph, wave, inference.values, inputValues);
    runs += 1;
    const shapedNodes = new Set<number>();
    for (const [v, k] of found) {
      if (inference.values[v] !== undefined) continue;
      seeds.set(v, k);
      fromFallback.push(v);
      shapedNodes.add(graph.values[v].producer);
    }
    if (shapedNodes.size === 0) {
      if (wide) { wide = false; continue; }
      const node = graph.nodes[frontier[0]];
      throw new QuiltError(`graph '${graph.name}': onnxruntime gave no shape for the outputs of node '${node.name}' (${node.opType})`);
    }
    wide = true;
    for (const n of [...shapedNodes].sort((a, b) => rank[a] - rank[b])) {
      fallbackNodes.push({ name: graph.nodes[n].name, opType: graph.nodes[n].opType, reason: reasons.get(n) as UnresolvedReason });
    }
    inference = inferStatic(graph, seeds, { rules });
  }
  return assemble(graph, inference.values, fromFallback, fallbackNodes, runs);
}
