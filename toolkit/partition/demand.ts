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
 *     when the range produced that input (a received tensor is a feed of the task's session, never reused). A range
 *     that starts after the input's producer loses the credit, but with the feeds term the input then counts among
 *     the received bytes instead of the produced ones, and it has the output's size: the produced part of demand
 *     stays monotone, so `DemandWindow` keeps the credits (without the feeds term it leaves them out);
 *   - im2col: a Conv outside the NCHWc path adds its expansion buffer at its own step;
 *   - control flow (always, whatever the runtime model): an `If`/`Loop`/`Scan` adds its bodies' internal working
 *     bytes at its own step (`memory/control-flow.ts`, the same term the memory profile adds); the node is atomic;
 *   - nchwc: a weight counts with the bytes of the provider's layout (output channels rounded up to the block);
 *   - prepack: a weight that a range reads both as a pre-packed Gemm/MatMul B and otherwise counts twice;
 *   - session: every non-empty range adds the session's fixed bytes.
 * The others are per-step constants or per-weight facts, which keep demand monotone under range inclusion.
 *
 * Invariant used by the partitioner: the window's demand (`DemandWindow.demand`) is monotone under range inclusion
 * (a range's is at least that of any range inside it) and at least `rangeDemand`'s, so the feasible ends of a start
 * form a prefix, `feasibleEnds` is non-decreasing, and a range the search finds feasible is feasible. Without the
 * runtime's feeds and in-place terms the two are equal.
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
  LIVENESS_ONLY, RuntimeMemoryModel, blockedValues, convWorkspaceBytes, inPlaceCredit, isPrepackedRead, reorderInBytes, weightLayoutBytes,
} from '../memory/runtime-memory';
import { bodyWorkingBytes } from '../memory/control-flow';
import { MaxTree } from './max-tree';

export interface DemandModel {
  readonly graph: ShapedGraph;
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
  const blocked = runtime.feedsLiveToEnd ? blockedValues(graph, order, runtime) : [];
  const reorderOutBytes = graph.values.map((v) => (blocked[v.index] === true ? v.bytes : 0));
  const weightBytes = graph.values.map((v) => (isActivation(v) ? 0 : weightLayoutBytes(graph, v.index, runtime)));
  const packedReads = order.map((nodeIndex, step) => weightReads[step].filter((w) => isPrepackedRead(graph.nodes[nodeIndex], w, runtime)));
  const stepBytes = order.map((nodeIndex) => convWorkspaceBytes(graph, graph.nodes[nodeIndex], runtime)
    + (graph.nodes[nodeIndex].bodies.length > 0 ? bodyWorkingBytes(graph, graph.nodes[nodeIndex]) : 0));
  const inPlaceBytes: number[] = [];
  const inPlaceSource: number[] = [];
  order.forEach((nodeIndex, step) => {
    const dying = activationReads[step].filter((v) => keepUntil[v] === step);
    const credit = inPlaceCredit(graph, graph.nodes[nodeIndex], dying, runtime);
    inPlaceBytes.push(credit.bytes);
    inPlaceSource.push(credit.source);
  });
  return {
    graph, order, stepOfNode, producedAt, keepUntil, readSteps, activationReads, previousRead, reorderReads, previousReorderRead, reorderOutBytes,
    weightReads, produced, subgraphWeightBytes,
    runtime, weightBytes, packedReads, stepBytes, inPlaceBytes, inPlaceSource,
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
    // In place only into a tensor the range itself produced: a received one is a feed of the task's session.
    const credit = model.inPlaceSource[s] >= 0 && model.producedAt[model.inPlaceSource[s]] >= start ? model.inPlaceBytes[s] : 0;
    delta[s - start] += model.stepBytes[s] - credit;
    delta[s - start + 1] -= model.stepBytes[s] - credit;
    for (const v of model.produced[s]) {
      if (model.keepUntil[v] >= end) handedOnCopyBytes += model.reorderOutBytes[v];
      delta[s - start] += values[v].bytes;
      delta[Math.min(model.keepUntil[v], end - 1) - start + 1] -= values[v].bytes;
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
    receivedBytes += values[v].bytes;
    delta[0] += values[v].bytes;
    delta[until - start + 1] -= values[v].bytes;
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

/**
 * A range [start, end) that grows at its end and shrinks at its start, one step at a time, with its demand.
 *
 * Liveness only (no feeds term): one max tree over steps holds every value the window reads or produces, received
 * ones until their last read. With the feeds term (received values live to the range's end) the received bytes
 * are the same at every step, R(start, end), so demand = weights + session + R + the peak of what the range
 * produces. R grows as the start moves later, so the window reports max over s in [start, end) of R(s, end),
 * kept in a second max tree over starts (a read of v at step e adds v's bytes to every start s in
 * (max(producer, previous read), e]): monotone under inclusion, and at least the range's own R. In-place credits
 * whose input the window produced are in the first tree; when the start passes that producer the credit is taken
 * back (its input is received now, in R). Without the feeds term the window has no credits.
 */
export class DemandWindow {
  private startStep = 0;
  private endStep = 0;
  private readonly live: MaxTree;
  /** Per start s (feeds term only): R(s, end), the bytes s's range would receive and read up to the window's end. */
  private readonly received: MaxTree | undefined;
  private readonly weightUses: Int32Array;
  private readonly packedUses: Int32Array;
  private weightBytes = 0;
  /** Bytes of the values produced in the window that it must keep until its end (keepUntil >= end). */
  private handedOnBytes = 0;

  /** Per end b in (start, end] (feeds term only): H(start, b), the reorder-out copies a range [start, b) needs. */
  private readonly copies: MaxTree | undefined;
  /** H(start, end): copies of the blocked values produced in the window and kept past its end. */
  private handedOnCopyBytes = 0;
  /** Per step p (feeds term only): the steps whose in-place credit reuses a value produced at p. */
  private readonly creditsFrom: number[][] = [];

  constructor(private readonly model: DemandModel) {
    this.live = new MaxTree(model.order.length);
    this.received = model.runtime.feedsLiveToEnd ? new MaxTree(model.order.length) : undefined;
    this.copies = model.runtime.feedsLiveToEnd ? new MaxTree(model.order.length + 1) : undefined;
    if (this.received !== undefined) {
      this.creditsFrom = model.order.map(() => []);
      model.inPlaceSource.forEach((v, t) => { if (v >= 0 && model.producedAt[v] >= 0) this.creditsFrom[model.producedAt[v]].push(t); });
    }
    this.weightUses = new Int32Array(model.graph.values.length);
    this.packedUses = new Int32Array(model.graph.values.length);
  }

  /** Weight bytes with the runtime's terms of weight `w` given its uses, all and pre-packed, in the window. */
  private weightCost(w: number): number {
    const all = this.weightUses[w];
    if (all === 0) return 0;
    const packed = this.packedUses[w];
    return this.model.weightBytes[w] * (packed > 0 && packed < all ? 2 : 1);
  }

  private useWeights(step: number, delta: 1 | -1): void {
    const m = this.model;
    for (const w of m.weightReads[step]) {
      const before = this.weightCost(w);
      this.weightUses[w] += delta;
      if (m.packedReads[step].includes(w)) this.packedUses[w] += delta;
      this.weightBytes += this.weightCost(w) - before;
    }
  }

  get start(): number { return this.startStep; }
  get end(): number { return this.endStep; }

  demand(): number {
    if (this.endStep === this.startStep) return this.weightBytes;
    const last = this.endStep - 1;
    return this.weightBytes + this.model.runtime.sessionBytes + this.live.maxIn(this.startStep, last)
      + (this.received === undefined ? 0 : this.received.maxIn(this.startStep, last))
      + (this.copies === undefined ? 0 : this.copies.maxIn(this.startStep + 1, this.endStep));
  }

  /** Adds the step at `end` to the window. */
  pushBack(): void {
    const m = this.model;
    const values = m.graph.values;
    const e = this.endStep;
    if (e >= m.order.length) throw new Error('DemandWindow: already at the end of the order');
    this.useWeights(e, 1);
    this.weightBytes += m.subgraphWeightBytes[e];
    const source = m.inPlaceSource[e];
    const credit = this.received !== undefined && source >= 0 && m.producedAt[source] >= this.startStep ? m.inPlaceBytes[e] : 0;
    this.live.add(e, e, this.handedOnBytes + m.stepBytes[e] - credit);
    m.activationReads[e].forEach((v, k) => {
      const bytes = values[v].bytes;
      const previous = m.previousRead[e][k];
      if (this.received !== undefined) {
        this.received.add(Math.max(m.producedAt[v], previous) + 1, e, bytes);
        this.received.add(Math.max(m.producedAt[v], m.previousReorderRead[e][k]) + 1, e, m.reorderReads[e][k]);
      }
      if (m.producedAt[v] < this.startStep) {
        if (this.received === undefined) this.live.add(previous >= this.startStep ? previous + 1 : this.startStep, e, bytes);
      } else if (m.keepUntil[v] === e) {
        this.handedOnBytes -= bytes;
        this.handedOnCopyBytes -= m.reorderOutBytes[v];
      }
    });
    for (const v of m.produced[e]) {
      const bytes = values[v].bytes;
      this.live.add(e, e, bytes);
      if (m.keepUntil[v] > e) {
        this.handedOnBytes += bytes;
        this.handedOnCopyBytes += m.reorderOutBytes[v];
      }
    }
    this.copies?.add(e + 1, e + 1, this.handedOnCopyBytes);
    this.endStep = e + 1;
  }

  /** Removes the step at `start` from the window. */
  popFront(): void {
    const m = this.model;
    const values = m.graph.values;
    const s = this.startStep;
    if (s >= this.endStep) throw new Error('DemandWindow: the window is empty');
    this.useWeights(s, -1);
    this.weightBytes -= m.subgraphWeightBytes[s];
    const last = this.endStep - 1;
    for (const t of this.creditsFrom[s] ?? []) if (t <= last) this.live.add(t, t, m.inPlaceBytes[t]);
    for (const v of m.produced[s]) {
      const bytes = values[v].bytes;
      if (this.received !== undefined) {
        // Now received: the second tree holds it (from its reads); it leaves the tree of produced values.
        const until = Math.min(m.keepUntil[v], last);
        if (until >= s + 1) this.live.add(s + 1, until, -bytes);
        if (m.keepUntil[v] > last) {
          this.handedOnBytes -= bytes;
          this.handedOnCopyBytes -= m.reorderOutBytes[v];
        }
        this.copies?.add(s + 1, Math.min(m.keepUntil[v], this.endStep), -m.reorderOutBytes[v]);
        continue;
      }
      if (m.keepUntil[v] < this.endStep) continue;
      // It was kept to the window's end; now it is received, live only until its last read inside the window.
      this.handedOnBytes -= bytes;
      const lastRead = lastBefore(m.readSteps[v], this.endStep);
      this.live.add(Math.max(s + 1, lastRead + 1), last, -bytes);
    }
    this.startStep = s + 1;
  }
}

/** The largest element of an increasing list that is below `limit`, or -1. */
function lastBefore(sorted: readonly number[], limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : -1;
}

/**
 * For each start step i, the largest end j such that [i, j) demands at most `threshold` bytes (two pointers over
 * a DemandWindow; relies on monotone demand). Every single step must fit: callers check that first.
 */
export function feasibleEnds(model: DemandModel, threshold: number): number[] {
  const n = model.order.length;
  const reach = new Array<number>(n).fill(0);
  const window = new DemandWindow(model);
  for (let i = 0; i < n; i++) {
    if (window.end === i) window.pushBack();
    while (window.demand() <= threshold && window.end < n) window.pushBack();
    reach[i] = window.demand() <= threshold ? window.end : window.end - 1;
    if (reach[i] <= i) throw new Error(`feasibleEnds: step ${i} alone exceeds the threshold`);
    window.popFront();
  }
  return reach;
}
