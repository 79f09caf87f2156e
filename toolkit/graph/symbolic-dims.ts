/**
 * The form of a graph to give onnxruntime when it holds control flow: every graph input's dims symbolic (one name
 * per input and axis) and no shapes on any other value, dtypes kept. Why: onnxruntime infers the shapes of both
 * branches of an `If` when it loads a model, so a branch that is never taken but cannot take the pinned input
 * shapes (a published model's branch for another sample rate) makes the whole model fail to load; with symbolic
 * dims, as the file itself declares them, it loads, and the feeds give the shapes when it runs.
 */
import { Graph, Value } from './graph';

const CONTROL_FLOW: ReadonlySet<string> = new Set(['If', 'Loop', 'Scan']);

/** Whether any node of the graph is an `If`, `Loop` or `Scan` (default domain). */
export function hasControlFlow(graph: Graph): boolean {
  return graph.nodes.some((n) => n.domain === '' && CONTROL_FLOW.has(n.opType));
}

/** The graph with symbolic input dims and no other shapes (same value and node indices). */
export function withSymbolicDims(graph: Graph): Graph {
  const inputs = new Set(graph.inputs);
  const values: Value[] = graph.values.map((v) => {
    if (v.producer < 0 && v.data !== undefined) return v;
    if (inputs.has(v.index)) return { ...v, shape: v.shape?.map((_, axis) => `${v.name}_dim${axis}`) };
    return { ...v, shape: undefined };
  });
  return { ...graph, values };
}
