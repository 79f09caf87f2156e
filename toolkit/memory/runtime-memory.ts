/**
 * The runtime's own memory: what an execution provider needs beyond the liveness definition (weights + live
 * tensors). Each term below comes from how onnxruntime's CPU provider works, not from fitting a model; a
 * `RuntimeMemoryModel` switches them on and carries the two numbers that depend on the machine.
 *
 *   feeds         The runtime never frees or reuses an input of the session: it is the caller's buffer, live until
 *                 the run ends. That holds for a model's graph inputs and for every cut tensor a task receives (the
 *                 task's inputs), so a task holds all it receives to its last step. Demand then grows as a range
 *                 starts later; the partitioner searches with a monotone bound (partition/demand.ts).
 *   in-place      An element-wise node (activations, Add/Sub/Mul/Div, a BatchNormalization right after a Conv, which
 *                 the optimiser fuses into it; a BatchNormalization after anything else runs as a depthwise NCHWc Conv
 *                 with a buffer of its own) and a view (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout)
 *                 writes into an input of the same size that dies at that node: the allocation planner reuses the
 *                 buffer, so at that step the output costs nothing beyond the input (`inPlaceCredit`). A graph input
 *                 is the caller's buffer and is never reused; a graph output, and a tensor a task hands on (an
 *                 output of its session), is always a buffer of its own (that range rule: partition/demand.ts).
 *   nchwc         With graph optimisation 'all' on a CPU with AVX2 (block 8) or AVX-512 (block 16), 2-D Convs
 *                 (group 1 or depthwise) run in the blocked NCHWc layout; their filters are stored with the output
 *                 channels rounded up to the block, the bias too (`weightLayoutBytes`).
 *   reorder-in    A cut tensor a task receives is in the plain NCHW layout; a Conv the NCHWc path takes (or a
 *                 MaxPool/AveragePool/global pool on channels that are a multiple of the block) reads it
 *                 through a ReorderInput copy in the blocked layout (4-D float32, channels a multiple of the block:
 *                 with fewer channels, as for an image, the Conv reads NCHW directly). The copy is counted, like
 *                 the tensor it copies, to the task's end (`reorderInBytes`).
 *   reorder-out   A tensor in the blocked layout (the output of such a Conv or pool, or of a layout-keeping
 *                 node - activation, Add, pooling, Concat, BatchNormalization - whose input is blocked) that a task
 *                 hands on is copied back to NCHW (ReorderOutput) for the next task; the copy and the blocked tensor
 *                 both exist until the task ends, so the task counts the copy for its whole run; only when the task
 *                 holds the Conv that blocked it (`blockedOrigins`).
 *   im2col        A Conv the NCHWc path does not take (no blocking, not 2-D, grouped but not depthwise) runs as
 *                 im2col + GEMM in MLAS: batch 1 and group 1 expand the whole input once, C_in/group * kH * kW *
 *                 H_out * W_out floats; otherwise each thread expands a segment of MLAS_SGEMM_STRIDEN *
 *                 MLAS_SGEMM_STRIDEK floats. A 1x1 stride-1 unpadded Conv is a GEMM and needs none
 *                 (`convWorkspaceBytes`). The buffer lives only while its node runs.
 *   prepack       Gemm and MatMul pre-pack a constant B into their kernel's layout; the original is freed only when
 *                 no other node reads it, so a weight that a Gemm and a Gather both read (a tied LM head) is held
 *                 twice (`isPrepackedRead`).
 *   session       A session's fixed resident cost (kernel registry, graph, thread pool), measured once per backend
 *                 with a one-node model and cached (`sessionBytes`).
 */
import { Node, ShapedGraph, elementCount } from '../graph/graph';

export interface RuntimeMemoryModel {
  /** Says which runtime and machine the terms describe (shown in plans). */
  readonly name: string;
  readonly inPlace: boolean;
  /** A session's inputs (graph inputs, received cut tensors) are the caller's buffers: live to the range's end. */
  readonly feedsLiveToEnd: boolean;
  /** NCHWc channel block of the CPU provider; 1 when the layout is not used. */
  readonly nchwcBlock: number;
  readonly im2col: boolean;
  readonly prepack: boolean;
  /** Intra-op threads (segmented im2col keeps one buffer per thread). */
  readonly threads: number;
  /** Fixed resident bytes of one session; calibrated, 0 when unknown. */
  readonly sessionBytes: number;
  /** What was measured rather than predicted, and where it is cached (shown in plans); absent when nothing was. */
  readonly calibration?: string;
}

/** The bare definition (weights + live tensors), with none of the runtime's terms: the paper's demand. */
export const LIVENESS_ONLY: RuntimeMemoryModel = {
  name: 'liveness only', inPlace: false, feedsLiveToEnd: false, nchwcBlock: 1, im2col: false, prepack: false, threads: 1, sessionBytes: 0,
};

const IN_PLACE_OPS = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'Elu', 'Selu', 'HardSigmoid', 'HardSwish', 'Softplus', 'Neg', 'Abs',
  'Exp', 'Log', 'Sqrt', 'Erf', 'Add', 'Sub', 'Mul', 'Div', 'BatchNormalization',
  'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout',
]);

/** MLAS_SGEMM_STRIDEN * MLAS_SGEMM_STRIDEK floats (128 * 128), the per-thread segment of segmented im2col. */
const MLAS_SEGMENT_FLOATS = 128 * 128;

function intsAttr(node: Node, name: string): readonly number[] | undefined {
  const a = node.attributes.get(name);
  return a?.type === 'ints' ? a.value : undefined;
}

function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  return a?.type === 'int' ? a.value : fallback;
}

const roundUp = (x: number, block: number): number => Math.ceil(x / block) * block;

/** Whether the CPU provider runs this Conv in the NCHWc layout. */
export function takesNchwc(graph: ShapedGraph, node: Node, model: RuntimeMemoryModel): boolean {
  if (model.nchwcBlock <= 1 || node.opType !== 'Conv' || node.domain !== '') return false;
  const w = graph.values[node.inputs[1]];
  if (w === undefined || w.shape.length !== 4 || w.dtype !== 'float32') return false;
  const group = intAttr(node, 'group', 1);
  const inputChannels = w.shape[1] * group;
  return group === 1 || (group === inputChannels && w.shape[0] === group);
}

/** Bytes of the im2col buffer a Conv needs while it runs (0 for convs that need none). */
export function convWorkspaceBytes(graph: ShapedGraph, node: Node, model: RuntimeMemoryModel): number {
  if (!model.im2col || node.opType !== 'Conv' || node.domain !== '' || takesNchwc(graph, node, model)) return 0;
  const w = graph.values[node.inputs[1]];
  const y = graph.values[node.outputs[0]];
  if (w === undefined || y === undefined || w.shape.length < 3) return 0;
  const kernel = w.shape.slice(2);
  const strides = intsAttr(node, 'strides') ?? kernel.map(() => 1);
  const pads = intsAttr(node, 'pads') ?? [];
  const pointwise = kernel.every((k) => k === 1) && strides.every((s) => s === 1) && pads.every((p) => p === 0);
  if (pointwise) return 0;
  const group = intAttr(node, 'group', 1);
  const batch = y.shape[0];
  if (batch > 1 || group > 1) return model.threads * MLAS_SEGMENT_FLOATS * 4;
  const outputSpatial = elementCount(y.shape.slice(2));
  return w.shape[1] * elementCount(kernel) * outputSpatial * 4;
}

/**
 * Bytes of a weight as the provider stores it: a Conv filter or bias taken by the NCHWc path has its output
 * channels rounded up to the block (when several nodes read the weight, the largest layout counts).
 */
export function weightLayoutBytes(graph: ShapedGraph, weight: number, model: RuntimeMemoryModel): number {
  const v = graph.values[weight];
  let bytes = v.bytes;
  for (const c of v.consumers) {
    const node = graph.nodes[c];
    if (!takesNchwc(graph, node, model) || v.shape.length === 0) continue;
    if (node.inputs[1] === weight || node.inputs[2] === weight) {
      bytes = Math.max(bytes, (v.bytes / v.shape[0]) * roundUp(v.shape[0], model.nchwcBlock));
    }
  }
  return bytes;
}

/** Whether `node` reads `weight` as the B operand it pre-packs (Gemm and MatMul with a constant B). */
export function isPrepackedRead(node: Node, weight: number, model: RuntimeMemoryModel): boolean {
  return model.prepack && node.domain === '' && (node.opType === 'Gemm' || node.opType === 'MatMul') && node.inputs[1] === weight;
}

/**
 * The bytes the output of `node` saves at its own step by reusing an input that dies there (an input of exactly
 * the output's size among `dying`), and that input; { 0, -1 } when the node cannot run in place.
 */
export function inPlaceCredit(
  graph: ShapedGraph, node: Node, dying: readonly number[], model: RuntimeMemoryModel,
): { bytes: number; source: number } {
  const none = { bytes: 0, source: -1 };
  if (!model.inPlace || node.domain !== '' || !IN_PLACE_OPS.has(node.opType) || node.outputs.length === 0) return none;
  const out = graph.values[node.outputs[0]];
  if (out === undefined || out.kind === 'output') return none;
  const source = dying.find((v) => graph.values[v].bytes === out.bytes && graph.values[v].kind !== 'input');
  if (source !== undefined && node.opType === 'BatchNormalization' && graph.nodes[graph.values[source].producer]?.opType !== 'Conv') return none;
  return source === undefined ? none : { bytes: out.bytes, source };
}

/**
 * Bytes of the blocked copy (ReorderInput) a Conv the NCHWc path takes needs of `value` when the value reaches it
 * in the plain layout (a received cut tensor); 0 when the Conv reads it directly.
 */
export function reorderInBytes(graph: ShapedGraph, node: Node, value: number, model: RuntimeMemoryModel): number {
  if (node.inputs[0] !== value || !startsNchwc(graph, node, model)) return 0;
  const v = graph.values[value];
  if (v.dtype !== 'float32' || v.shape.length !== 4 || v.shape[1] % model.nchwcBlock !== 0) return 0;
  return v.bytes;
}

const NCHWC_POOLS = new Set(['MaxPool', 'AveragePool', 'GlobalMaxPool', 'GlobalAveragePool']);

/**
 * Whether the node runs in the blocked layout whatever its input's layout: a Conv the NCHWc path takes, or a pooling
 * node on a 4-D float32 input whose channels are a multiple of the block (the provider converts those alone too).
 */
export function startsNchwc(graph: ShapedGraph, node: Node, model: RuntimeMemoryModel): boolean {
  if (takesNchwc(graph, node, model)) return true;
  if (model.nchwcBlock <= 1 || node.domain !== '' || !NCHWC_POOLS.has(node.opType)) return false;
  const x = graph.values[node.inputs[0]];
  return x !== undefined && x.dtype === 'float32' && x.shape.length === 4 && x.shape[1] % model.nchwcBlock === 0;
}

const KEEPS_LAYOUT = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'HardSigmoid', 'HardSwish', 'Add', 'Sum', 'BatchNormalization',
  'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Concat', 'Upsample', 'Resize',
]);

/**
 * Per value: the step of the Conv that puts it in the blocked NCHWc layout (itself, or the Conv at the head of the
 * chain of layout-keeping nodes through their first input that produced it), or -1 when it is not blocked. A range
 * holds the value blocked only when it holds that Conv: a range that starts after it runs the chain in NCHW.
 */
export function blockedOrigins(graph: ShapedGraph, order: readonly number[], model: RuntimeMemoryModel): number[] {
  const origin = graph.values.map(() => -1);
  if (model.nchwcBlock <= 1) return origin;
  order.forEach((i, step) => {
    const node = graph.nodes[i];
    const out = node.outputs[0];
    if (out === undefined || out < 0 || node.domain !== '') return;
    const v = graph.values[out];
    if (v.dtype !== 'float32' || v.shape.length !== 4) return;
    if (startsNchwc(graph, node, model)) origin[out] = step;
    else if (KEEPS_LAYOUT.has(node.opType) && node.inputs[0] >= 0) origin[out] = origin[node.inputs[0]];
  });
  return origin;
}
