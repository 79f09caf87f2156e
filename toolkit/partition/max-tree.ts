/**
 * A segment tree over positions 0..size-1 holding numbers (all 0 at first) that adds a constant to a range
 * and answers the largest number in a range, both in O(log size). Used by the incremental range demand.
 * Invariant: max[node] = the largest value in the node's span, counting every pending add at or below it
 * (adds are kept at the covering nodes and never pushed down).
 */
export class MaxTree {
  private readonly max: Float64Array;
  private readonly pending: Float64Array;

  constructor(readonly size: number) {
    this.max = new Float64Array(4 * Math.max(size, 1));
    this.pending = new Float64Array(4 * Math.max(size, 1));
  }

  /** Adds `delta` at every position in [from, to] (inclusive); an empty range does nothing. */
  add(from: number, to: number, delta: number): void {
    if (from > to || delta === 0) return;
    this.addAt(1, 0, this.size - 1, from, to, delta);
  }

  /** The largest value at positions [from, to] (inclusive); -Infinity for an empty range. */
  maxIn(from: number, to: number): number {
    if (from > to) return -Infinity;
    return this.maxAt(1, 0, this.size - 1, from, to);
  }

  private addAt(node: number, lo: number, hi: number, from: number, to: number, delta: number): void {
    if (to < lo || hi < from) return;
    if (from <= lo && hi <= to) {
      this.max[node] += delta;
      this.pending[node] += delta;
      return;
    }
    const mid = (lo + hi) >> 1;
    this.addAt(2 * node, lo, mid, from, to, delta);
    this.addAt(2 * node + 1, mid + 1, hi, from, to, delta);
    this.max[node] = Math.max(this.max[2 * node], this.max[2 * node + 1]) + this.pending[node];
  }

  private maxAt(node: number, lo: number, hi: number, from: number, to: number): number {
    if (to < lo || hi < from) return -Infinity;
    if (from <= lo && hi <= to) return this.max[node];
    const mid = (lo + hi) >> 1;
    const below = Math.max(this.maxAt(2 * node, lo, mid, from, to), this.maxAt(2 * node + 1, mid + 1, hi, from, to));
    return below + this.pending[node];
  }
}
