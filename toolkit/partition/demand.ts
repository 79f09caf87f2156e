/**
 * The demand of a task: a contiguous range [start, end) of the order. Demand = weight bytes + the peak of live
 * activation bytes over the range's steps, where liveness follows `memory/liveness.ts`, restricted to the range:
 *   - a value the range produces is live from its producing step until its last read, or until the range's last
 *     step if a later task reads it or it is a graph output (the task must hand it on); a value nobody reads is
 *     live only at its producing step;
 *   - a value the range receives (a graph input or a value produced before `start`) is live from the range's
 *     first step until its last read inside the range;
 *   - weight bytes = the weights the range's nodes read (each once; a `Constant` output counts in the tasks that
 *     read it, not in the task that happens to hold the Constant node) + control-flow subgraph weights.
 * For the whole order, [0, n), this is the profile's peakBytes less any weight or graph input nobody reads.
 *
 * The runtime's own memory (`memory/runtime-memory.ts`, switched on by a RuntimeMemoryModel; none by default):
 *   - feeds: every input of the task's session (a graph input or a cut tensor the range receives) is the caller's
 *     buffer, which the session never frees: live from the range's first step to its last when read in it. This term
 *     makes demand depend on where the range starts (a range that starts later receives more and holds it longer),
 *     so `DemandWindow` searches with a monotone upper bound: the received bytes R(s, end) of the worst start s in
 *     the range (exact for the range's own start when that is the worst), see `DemandWindow`;
 *   - in-place: at a node that may write into a same-size input dying there, the output costs nothing that step,
 *     when the range produced that input (a received tensor is a feed of the task's session, never reused) and does
 *     not hand the output on (a task's output is a buffer of its own). This term makes demand depend on both ends of
 *     the range (a range that starts later or ends sooner may lose a credit), so `DemandWindow`, which the
 *     partitioner searches with, leaves every in-place credit out;
 *   - reorder-in: a received tensor a blocked Conv reads counts twice (its blocked copy), to the range's end;
 *   - reorder-out: a blocked tensor the range hands on, blocked by a Conv inside the range, counts twice (its NCHW
 *     copy) for the whole range; the window bounds it by the largest over the ends inside it;
 *   - im2col: a Conv outside the NCHWc path adds its expansion buffer at its own step;
 *   - control flow (always, whatever the runtime model): an `If`/`Loop`/`Scan` adds its bodies' internal working
 *     bytes at its own step (`memory/control-flow.ts`, the same term the memory profile adds); the node is atomic;
 *   - nchwc: a weight counts with the bytes of the provider's layout (output channels rounded up to the block);
 *   - prepack: a weight that a range reads both as a pre-packed Gemm/MatMul B and otherwise counts twice;
 *   - session: every non-empty range adds the session's fixed bytes;
 *   - fp16 as float32: every activation counts with the bytes the runtime holds it in (`activationBytes`).
 * The others are per-step constants or per-weight facts, which keep demand monotone under range inclusion.
 *
 * Invariant used by the partitioner: the window's demand (`DemandWindow.demand`) is monotone under range inclusion
 * (a range's is at least that of any range inside it) and at least `rangeDemand`'s, so the feasible ends of a start
 * form a prefix, `feasibleEnds` is non-decreasing, and a range the search finds feasible is feasible. Without the
 * runtime's feeds, reorder and in-place terms the two are equal.
 *
 * Stages: `demandModel` gathers per-step facts once (O(values + edges)); `rangeDemand` evaluates one range
 * directly (O(range + its edges): the reference, used for reporting and validation); `DemandWindow` slides a
 * range by whole steps at either end, keeping per-step live bytes in a max segment tree (O(reads * log n) per
 * step moved), so `feasibleEnds` finds every start's longest feasible range in O(edges * log n) in all.
 */
import { ShapedGraph } from '../graph/graph';
import { checkOrder, valuesReadBy } from '../memory/order';
import { isActivation, valueLifetimes } from '../memory/liveness';
import {
  LIVENESS_ONLY, RuntimeMemoryModel, activationBytes, blockedOrigins, convWorkspaceBytes, inPlaceCredit, isPrepackedRead, reorderInBytes, weightLayoutBytes,
} from '../memory/runtime-memory';
import { bodyWorkingBytes } from '../memory/control-flow';

export interface DemandModel {
  readonly graph: ShapedGraph;
  /** Per value: its bytes as the runtime holds it (`activationBytes`: float16 computed in float32 counts double). */
  readonly valueBytes: readonly number[];
  readonly order: readonly number[];
  readonly stepOfNode: readonly number[];
  /** Per value: the step of its producer, or -1 when no node produces it (graph inputs). */
  readonly producedAt: readonly number[];
  /** Per value: the last step a range that produced it must keep it: n for graph outputs, else its last read (or its producing step if unread). */
  readonly keepUntil: readonly number[];
  /** Per value: the steps of the nodes that read it, increasing. */
  readonly readSteps: readonly (readonly number[])[];
  /** Per step: the activations the node reads (distinct) and, for each, the previous step that read it or -1. */
  readonly activationReads: readonly (readonly number[])[];
  readonly previousRead: readonly (readonly number[])[];
  /**
   * Per step, per activation read: the bytes of the blocked copy the node needs when the value is received (the
   * reorder-in term; 0 for none), and the previous step with such a read of the value or -1.
   */
  readonly reorderReads: readonly (readonly number[])[];
  readonly previousReorderRead: readonly (readonly number[])[];
  /** Per value: the bytes of its NCHW copy when a range hands it on in the blocked layout (reorder-out; 0 for none). */
  readonly reorderOutBytes: readonly number[];
  /** Per value: the step of the Conv that blocked it (-1: none); a range starting after it holds the value in NCHW. */
  readonly blockedAt: readonly number[];
  /** Per step: the weights the node reads (distinct). */
  readonly weightReads: readonly (readonly number[])[];
  /** Per step: the activations the node produces. */
  readonly produced: readonly (readonly number[])[];
  /** Per step: the bytes of the weights inside the node's subgraphs. */
  readonly subgraphWeightBytes: readonly number[];
  /** The runtime's terms this model includes. */
  readonly runtime: RuntimeMemoryModel;
  /** Per value: bytes of a weight as the runtime stores it (0 for activations). */
  readonly weightBytes: readonly number[];
  /** Per step: the weights the node reads as a pre-packed B (a subset of weightReads). */
  readonly packedReads: readonly (readonly number[])[];
  /** Per step: bytes live at that step only (the im2col workspace, control-flow bodies' working bytes). */
  readonly stepBytes: readonly number[];
  /** Per step: the bytes the node's output saves by running in place, and the dying input it reuses (-1: none). */
  readonly inPlaceBytes: readonly number[];
  readonly inPlaceSource: readonly number[];
}

export interface RangeDemand {
  readonly start: number;
  readonly end: number;
  /** Bytes of the weights the range reads, as stored in its task file. */
  readonly weightBytes: number;
  /** The runtime's weight-side terms: layout padding, pre-packed copies and the session's fixed bytes. */
  readonly runtimeBytes: number;
  /** Peak live activation bytes, with the runtime's per-step terms (workspace, in-place credit). */
  readonly peakActivationBytes: number;
  /** Bytes of the activations the range receives (its session's inputs) and reads, with their blocked copies. */
  readonly receivedBytes: number;
  /** Bytes of the NCHW copies of the blocked tensors the range hands on (reorder-out), counted for its whole run. */
  readonly handedOnCopyBytes: number;
  readonly demandBytes: number;
  /** The first step of the range where the live activation bytes peak. */
  readonly peakStep: number;
}

export function demandModel(graph: ShapedGraph, order: readonly number[], runtime: RuntimeMemoryModel = LIVENESS_ONLY): DemandModel {
  const stepOfNode = checkOrder(graph, order);
  const n = order.length;
  const { lastStep } = valueLifetimes(graph, order, stepOfNode);
  const isGraphOutput = new Set(graph.outputs);
  const producedAt = graph.values.map((v) => (v.producer >= 0 ? stepOfNode[v.producer] : -1));
  const keepUntil = graph.values.map((v) => (isGraphOutput.has(v.index) ? n : lastStep[v.index]));
  const readSteps: number[][] = graph.values.map(() => []);
  const activationReads: number[][] = [];
  const previousRead: number[][] = [];
  const reorderReads: number[][] = [];
  const previousReorderRead: number[][] = [];
  const lastReorderRead = new Map<number, number>();
  const weightReads: number[][] = [];
  const produced: number[][] = [];
  order.forEach((nodeIndex, step) => {
    const node = graph.nodes[nodeIndex];
    const reads: number[] = [];
    const previous: number[] = [];
    const weights: number[] = [];
    const reorders: number[] = [];
    const previousReorder: number[] = [];
    for (const v of valuesReadBy(node)) {
      if (isActivation(graph.values[v])) {
        reads.push(v);
        const before = readSteps[v];
        previous.push(before.length > 0 ? before[before.length - 1] : -1);
        const reorder = runtime.feedsLiveToEnd ? reorderInBytes(graph, node, v, runtime) : 0;
        reorders.push(reorder);
        previousReorder.push(lastReorderRead.get(v) ?? -1);
        if (reorder > 0) lastReorderRead.set(v, step);
      } else {
        weights.push(v);
      }
      readSteps[v].push(step);
    }
    activationReads.push(reads);
    previousRead.push(previous);
    reorderReads.push(reorders);
    previousReorderRead.push(previousReorder);
    weightReads.push(weights);
    produced.push(node.outputs.filter((v) => v >= 0 && isActivation(graph.values[v])));
  });
  const subgraphWeightBytes = order.map((i) => graph.nodes[i].subgraphWeightBytes);
  const blockedAt = runtime.feedsLiveToEnd ? blockedOrigins(graph, order, runtime) : graph.values.map(() => -1);
  const valueBytes = graph.values.map((v) => activationBytes(graph, v.index, runtime));
  const reorderOutBytes = graph.values.map((v) => (blockedAt[v.index] >= 0 ? valueBytes[v.index] : 0));
  const weightBytes = graph.values.map((v) => (isActivation(v) ? 0 : weightLayoutBytes(graph, v.index, runtime)));
  const packedReads = order.map((nodeIndex, step) => weightReads[step].filter((w) => isPrepackedRead(graph.nodes[nodeIndex], w, runtime)));
  const stepBytes = order.map((nodeIndex) => convWorkspaceBytes(graph, graph.nodes[nodeIndex], runtime)
    + (graph.nodes[nodeIndex].bodies.length > 0 ? bodyWorkingBytes(graph, graph.nodes[nodeIndex]) : 0));
  const inPlaceBytes: number[] = [];
  const inPlaceSource: number[] = [];
  order.forEach((nodeIndex, step) => {
    const dying = activationReads[step].filter((v) => keepUntil[v] === step);
    const credit = inPlaceCredit(graph, graph.nodes[nodeIndex], dying, runtime);
    inPlaceBytes.push(credit.source >= 0 ? valueBytes[graph.nodes[nodeIndex].outputs[0]] : 0);
    inPlaceSource.push(credit.source);
  });
  return {
    graph, order, stepOfNode, producedAt, keepUntil, readSteps, activationReads, previousRead, reorderReads, previousReorderRead, reorderOutBytes, blockedAt,
    weightReads, produced, subgraphWeightBytes,
    runtime, weightBytes, packedReads, stepBytes, inPlaceBytes, inPlaceSource, valueBytes,
  };
}

/** The demand of [start, end), evaluated directly. */
export function rangeDemand(model: DemandModel, start: number, end: number): RangeDemand {
  const values = model.graph.values;
  const delta = new Float64Array(end - start + 1);
  const lastReadInRange = new Map<number, number>();
  const weights = new Set<number>();
  const packed = new Set<number>();
  const plain = new Set<number>();
  let weightBytes = 0;
  const reordered = new Map<number, number>();
  let handedOnCopyBytes = 0;
  for (let s = start; s < end; s++) {
    model.activationReads[s].forEach((v, k) => {
      if (model.producedAt[v] >= start) return;
      lastReadInRange.set(v, s);
      if (model.reorderReads[s][k] > 0) reordered.set(v, model.reorderReads[s][k]);
    });
    for (const w of model.weightReads[s]) {
      weights.add(w);
      (model.packedReads[s].includes(w) ? packed : plain).add(w);
    }
    weightBytes += model.subgraphWeightBytes[s];
    // In place only into a tensor the range itself produced (a received one is a feed of the task's session), and
    // not into a tensor it hands on (an output of the task's session).
    const source = model.inPlaceSource[s];
    const out = model.graph.nodes[model.order[s]].outputs[0];
    const credit = source >= 0 && model.producedAt[source] >= start && model.keepUntil[out] < end ? model.inPlaceBytes[s] : 0;
    delta[s - start] += model.stepBytes[s] - credit;
    delta[s - start + 1] -= model.stepBytes[s] - credit;
    for (const v of model.produced[s]) {
      if (model.keepUntil[v] >= end && model.blockedAt[v] >= start) handedOnCopyBytes += model.reorderOutBytes[v];
      delta[s - start] += model.valueBytes[v];
      delta[Math.min(model.keepUntil[v], end - 1) - start + 1] -= model.valueBytes[v];
    }
  }
   // A received value's blocked copy (reorder-in) is counted with it, to the range's end.
  delta[0] += handedOnCopyBytes;
  delta[end - start] -= handedOnCopyBytes;
  let receivedBytes = 0;
  for (const bytes of reordered.values()) {
    receivedBytes += bytes;
    delta[0] += bytes;
    delta[end - start] -= bytes;
  }
  for (const [v, last] of lastReadInRange) {
    const until = model.runtime.feedsLiveToEnd ? end - 1 : last;
    receivedBytes += model.valueBytes[v];
    delta[0] += model.valueBytes[v];
    delta[until - start + 1] -= model.valueBytes[v];
  }
  let runtimeBytes = end > start ? model.runtime.sessionBytes : 0;
  for (const w of weights) {
    weightBytes += values[w].bytes;
    runtimeBytes += model.weightBytes[w] * (packed.has(w) && plain.has(w) ? 2 : 1) - values[w].bytes;
  }
  let live = 0;
  let peak = 0;
  let peakStep = start;
  for (let s = start; s < end; s++) {
    live += delta[s - start];
    if (live > peak) { peak = live; peakStep = s; }
  }
  return { start, end, weightBytes, runtimeBytes, peakActivationBytes: peak, receivedBytes, handedOnCopyBytes, demandBytes: weightBytes + runtimeBytes + peak, peakStep };
}

export { DemandWindow, feasibleEnds } from './demand-window';
