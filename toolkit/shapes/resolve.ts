/**
 * resolveShapes: every value of a graph gets a dtype, a concrete shape and its byte size.
 * Stages: (1) concrete input shapes (given, or the file's static dims); (2) the static pass with constant
 * propagation (infer.ts); (3) for whatever it leaves unknown (ops without a rule, data-dependent shapes,
 * control flow), one run of the model on onnxruntime's CPU with those values exposed as extra outputs;
 * (4) the ShapedGraph, with the same value and node indices as the input graph, plus a report of which values
 * the fallback resolved.
 */
import { Graph, ShapedGraph, ShapedValue, elementCount } from '../graph/graph';
import { dtypeByteSize } from '../core/dtype';
import { QuiltError } from '../core/errors';
import { StaticInference, UnresolvedReason, inferStatic, initializerKnowns } from './infer';
import { InputShapes, inputKnowns } from './inputs';
import { Known } from './known';

export interface ResolveOptions {
  /** Shapes of graph inputs by name; they win over the file's dims. */
  readonly inputShapes?: InputShapes;
  /** What to do with values static inference cannot shape: run onnxruntime ('ort', the default) or fail. */
  readonly fallback?: 'ort' | 'none';
}

/** Asks something outside static inference for the dtypes and shapes of `targets`. */
export type ShapeFallback = (
  graph: Graph, inputs: ReadonlyMap<number, Known>, targets: readonly number[],
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
  /** Nodes the static pass could not infer, and why. */
  readonly fallbackNodes: readonly FallbackNode[];
}

export interface ResolvedGraph extends ShapedGraph {
  readonly resolution: ShapeResolution;
}

function seedsOf(graph: Graph, inputShapes: InputShapes | undefined): Map<number, Known> {
  const seeds = initializerKnowns(graph);
  for (const [i, k] of inputKnowns(graph, inputShapes)) seeds.set(i, k);
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

function assemble(graph: Graph, values: readonly (Known | undefined)[], fallbackValues: readonly number[], inference: StaticInference): ResolvedGraph {
  const shaped: ShapedValue[] = graph.values.map((v, i) => {
    const k = values[i];
    if (k === undefined) throw new QuiltError(`graph '${graph.name}': no shape could be found for value '${v.name}'`);
    return { ...v, dtype: k.dtype, shape: k.shape, bytes: elementCount(k.shape) * dtypeByteSize(k.dtype) };
  });
  const resolution: ShapeResolution = {
    staticValues: inference.values.filter((k) => k !== undefined).length,
    fallbackValues: fallbackValues.map((i) => graph.values[i].name),
    fallbackNodes: inference.unresolved.map((u) => ({
      name: graph.nodes[u.node].name, opType: graph.nodes[u.node].opType, reason: u.reason,
    })),
  };
  return { ...graph, values: shaped, resolution };
}

/** Static resolution only: throws a QuiltError naming the first node it cannot shape. */
export function resolveShapesStatic(graph: Graph, options: { inputShapes?: InputShapes } = {}): ResolvedGraph {
  const inference = inferStatic(graph, seedsOf(graph, options.inputShapes));
  if (unknownValues(inference).length > 0) {
    throw new QuiltError(`graph '${graph.name}': cannot infer shapes statically at ${describeUnresolved(graph, inference)}`);
  }
  return assemble(graph, inference.values, [], inference);
}

/** Resolution with an explicit fallback (tests pass their own; resolveShapes passes onnxruntime's). */
export async function resolveShapesWith(graph: Graph, inputShapes: InputShapes | undefined, fallback: ShapeFallback | undefined): Promise<ResolvedGraph> {
  const seeds = seedsOf(graph, inputShapes);
  const inference = inferStatic(graph, seeds);
  const targets = unknownValues(inference);
  if (targets.length === 0) return assemble(graph, inference.values, [], inference);
  if (fallback === undefined) {
    throw new QuiltError(`graph '${graph.name}': cannot infer shapes statically at ${describeUnresolved(graph, inference)}; allow the onnxruntime fallback`);
  }
  const inputs = new Map(graph.inputs.map((i) => [i, seeds.get(i) as Known]));
  const found = await fallback(graph, inputs, targets);
  const values = inference.values.map((k, i) => k ?? found.get(i));
  return assemble(graph, values, targets.filter((i) => found.has(i)), inference);
}
