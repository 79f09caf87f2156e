/**
 * The work of one operator, from the graph and its shapes: floating-point operations, bytes moved to and from
 * device memory, and kernels launched. The roofline (roofline.ts) turns this into time.
 *
 * Rules (each written once here):
 *  - FLOPs: Conv = 2 x output elements x (input channels / group) x kernel area; MatMul = 2 x output elements x
 *    the shared dimension; Gemm = 2 x M x N x K; every other operator = its output elements (one operation per
 *    element; such operators are bound by memory, so the count barely matters).
 *  - bytes: every input (weights included) read once plus every output written once.
 *  - kernels: one per operator, none for operators that only relabel a buffer (VIEW_OPS: Reshape, Flatten,
 *    Squeeze, Unsqueeze, Identity, Shape, Constant, Dropout at inference): they cost neither bytes nor launches.
 */
import { ShapedGraph, Node } from '../graph/graph';

export interface OpWork {
  readonly flops: number;
  readonly bytes: number;
  readonly kernels: number;
}

export const VIEW_OPS: ReadonlySet<string> = new Set([
  'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Shape', 'Constant', 'Dropout',
]);

const ZERO: OpWork = { flops: 0, bytes: 0, kernels: 0 };

function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** FLOPs, bytes and kernels of one node of a shaped graph. */
export function opWork(graph: ShapedGraph, node: Node): OpWork {
  if (VIEW_OPS.has(node.opType)) return ZERO;
  const values = graph.values;
  let bytes = 0;
  for (const v of node.inputs) if (v >= 0) bytes += values[v].bytes;
  let outElements = 0;
  for (const v of node.outputs) {
    if (v < 0) continue;
    bytes += values[v].bytes;
    outElements += product(values[v].shape);
  }
  return { flops: opFlops(graph, node, outElements), bytes, kernels: 1 };
}

function opFlops(graph: ShapedGraph, node: Node, outElements: number): number {
  const shapeOf = (i: number): readonly number[] => graph.values[node.inputs[i]]?.shape ?? [];
  switch (node.opType) {
    case 'Conv': {
      const w = shapeOf(1); // [out channels, in channels / group, kH, kW...]
      return 2 * outElements * product(w.slice(1));
    }
    case 'MatMul': {
      const a = shapeOf(0);
      return 2 * outElements * (a.length > 0 ? a[a.length - 1] : 1);
    }
    case 'Gemm': {
      const a = shapeOf(0);
      const transA = node.attributes.get('transA');
      const k = transA?.type === 'int' && transA.value === 1 ? a[0] : a[a.length - 1];
      return 2 * outElements * (k ?? 1);
    }
    default:
      return outElements;
  }
}

/** The sum of the work of every node of a graph (a task model's work). */
export function graphWork(graph: ShapedGraph): OpWork[] {
  return graph.nodes.map((n) => opWork(graph, n));
}
