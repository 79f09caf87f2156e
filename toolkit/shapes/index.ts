/**
 * Shapes for every value: `resolveShapes` (static rules with constant propagation, alternating with
 * onnxruntime runs of only what they cannot shape). Everything else in this folder is the machinery behind it.
 */
import { Graph } from '../graph/graph';
import { InputShapes, InputValues } from './inputs';
import { runWave } from './ort-fallback';
import { ResolveOptions, ResolvedGraph, resolveShapesWith } from './resolve';

/** Every value's dtype, concrete shape and bytes; same value and node indices as `graph`. */
export function resolveShapes(graph: Graph, options: ResolveOptions = {}): Promise<ResolvedGraph> {
  return resolveShapesWith(graph, options, options.fallback === 'none' ? undefined : runWave);
}

export { resolveShapesStatic } from './resolve';
export type { ResolveOptions, ResolvedGraph, ShapeResolution, FallbackNode, ShapeFallback } from './resolve';
export type { InputShapes, InputValues };
export { expandValues } from './inputs';
export type { Known } from './known';
export { SHAPE_RULES } from './rules';
