/**
 * The partitioner's search over ranges: `DemandWindow`, a range that slides by whole steps and keeps a demand that
 * is monotone under range inclusion and at least `rangeDemand`'s (the bound and why it holds: partition/demand.ts's
 * header and the class comment below), and `feasibleEnds`, every start's longest feasible range by two pointers.
 */
import type { DemandModel } from './demand';
import { MaxTree } from './max-tree';

/**
 * A range [start, end) that grows at its end and shrinks at its start, one step at a time, with its demand.
 *
 * Liveness only (no feeds term): one max tree over steps holds every value the window reads or produces, received
 * ones until their last read. With the feeds term (received values live to the range's end) the received bytes
 * are the same at every step, R(start, end), so demand = weights + session + R + the peak of what the range
 * produces. R grows as the start moves later, so the window reports max over s in [start, end) of R(s, end),
 * kept in a second max tree over starts (a read of v at step e adds v's bytes to every start s in
 * (max(producer, previous read), e]): monotone under inclusion, and at least the range's own R. The reorder-out
 * copies H(start, b) depend on the end; the window reports their largest over the ends b in (start, end], kept in a
 * third max tree over ends. The window has no in-place credits (see the header).
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
  /** Per step p (feeds term only): the values the Conv at p put in the blocked layout. */
  private readonly blockedBy: number[][] = [];

  constructor(private readonly model: DemandModel) {
    this.live = new MaxTree(model.order.length);
    this.received = model.runtime.feedsLiveToEnd ? new MaxTree(model.order.length) : undefined;
    this.copies = model.runtime.feedsLiveToEnd ? new MaxTree(model.order.length + 1) : undefined;
    if (this.received !== undefined) {
      this.blockedBy = model.order.map(() => []);
      model.blockedAt.forEach((p, v) => { if (p >= 0 && model.reorderOutBytes[v] > 0) this.blockedBy[p].push(v); });
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
    this.live.add(e, e, this.handedOnBytes + m.stepBytes[e]);
    m.activationReads[e].forEach((v, k) => {
      const bytes = m.valueBytes[v];
      const previous = m.previousRead[e][k];
      if (this.received !== undefined) {
        this.received.add(Math.max(m.producedAt[v], previous) + 1, e, bytes);
        this.received.add(Math.max(m.producedAt[v], m.previousReorderRead[e][k]) + 1, e, m.reorderReads[e][k]);
      }
      if (m.producedAt[v] < this.startStep) {
        if (this.received === undefined) this.live.add(previous >= this.startStep ? previous + 1 : this.startStep, e, bytes);
      } else if (m.keepUntil[v] === e) {
        this.handedOnBytes -= bytes;
        if (m.blockedAt[v] >= this.startStep) this.handedOnCopyBytes -= m.reorderOutBytes[v];
      }
    });
    for (const v of m.produced[e]) {
      const bytes = m.valueBytes[v];
      this.live.add(e, e, bytes);
      if (m.keepUntil[v] > e) {
        this.handedOnBytes += bytes;
        if (m.blockedAt[v] >= this.startStep) this.handedOnCopyBytes += m.reorderOutBytes[v];
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
    // The values the Conv at s blocked (produced in the window: at or after s) are plain NCHW in a range after it.
    for (const v of this.blockedBy[s] ?? []) {
      const p = m.producedAt[v];
      if (p > last) continue;
      if (m.keepUntil[v] > last) this.handedOnCopyBytes -= m.reorderOutBytes[v];
      this.copies?.add(p + 1, Math.min(m.keepUntil[v], this.endStep), -m.reorderOutBytes[v]);
    }
    for (const v of m.produced[s]) {
      const bytes = m.valueBytes[v];
      if (this.received !== undefined) {
        // Now received: the second tree holds it (from its reads); it leaves the tree of produced values.
        const until = Math.min(m.keepUntil[v], last);
        if (until >= s + 1) this.live.add(s + 1, until, -bytes);
        if (m.keepUntil[v] > last) this.handedOnBytes -= bytes;
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
