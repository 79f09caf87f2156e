/**
 * Shapes for every value: `resolveShapes` (static rules with constant propagation, then onnxruntime for the
 * rest). Everything else in this folder is the machinery behind it.
 */
import { Graph } from '../graph/graph';
import { InputShapes } from './inputs';
import { ortFallback } from './ort-fallback';
import { ResolveOptions, ResolvedGraph, resolveShapesWith } from './resolve';

/** Every value's dtype, concrete shape and bytes; same value and node indices as `graph`. */
export function resolveShapes(graph: Graph, options: ResolveOptions = {}): Promise<ResolvedGraph> {
  return resolveShapesWith(graph, options.inputShapes, options.fallback === 'none' ? undefined : ortFallback);
}

export { resolveShapesStatic } from './resolve';
export type { ResolveOptions, ResolvedGraph, ShapeResolution, FallbackNode, ShapeFallback } from './resolve';
export type { InputShapes };
export type { Known } from './known';
export { SHAPE_RULES } from './rules';
