/**
 * Tasks running together on one device: processor sharing with a small interference term.
 *
 * Model: a task's device work is measured in "alone milliseconds" (its time if it ran by itself, see
 * roofline.ts). Each running task occupies a share c of the device (a batch-1 task leaves most of a GPU idle,
 * so c is well below 1). With a set S of k tasks running, every task progresses at rate
 *
 *   rate(S) = 1 / ( max(1, sum of c over S) x (1 + beta x (k - 1)) )
 *
 * alone-ms per ms: while the shares add up to at most 1 the tasks run side by side (slowed only by the
 * interference beta per extra task), beyond that they divide the device between them. The rate changes
 * whenever a task starts or ends, so completion times are recomputed at each such event (`nextCompletion`).
 * Pure and event-driven: the caller says what time it is; nothing here waits.
 */

export interface ShareParams {
  /** Interference: the extra slowdown per additional running task (beta). */
  readonly interference: number;
}

interface Job {
  readonly id: number;
  readonly share: number;
  remaining: number;
}

/** The stretch factor of a set of running tasks with the given shares (1 for one task whose share is <= 1). */
export function stretch(shares: readonly number[], p: ShareParams): number {
  if (shares.length === 0) return 1;
  let sum = 0;
  for (const c of shares) sum += c;
  return Math.max(1, sum) * (1 + p.interference * (shares.length - 1));
}

/** Remaining work below this (alone-ms) counts as done: guards against floating-point residue. */
const DONE_EPS = 1e-9;

export class ProcessorSharing {
  private jobs: Job[] = [];
  private lastMs = 0;

  constructor(private readonly params: ShareParams) {}

  get running(): number {
    return this.jobs.length;
  }

  /** The current stretch factor (1 / rate). */
  currentStretch(): number {
    return stretch(this.jobs.map((j) => j.share), this.params);
  }

  /** Moves time forward to `nowMs`, consuming work at the current rate. */
  advance(nowMs: number): void {
    const dt = nowMs - this.lastMs;
    if (dt > 0 && this.jobs.length > 0) {
      const rate = 1 / this.currentStretch();
      for (const j of this.jobs) j.remaining -= dt * rate;
    }
    this.lastMs = Math.max(this.lastMs, nowMs);
  }

  /** Starts a job with `workMs` alone-ms of work at `nowMs`. */
  add(id: number, workMs: number, share: number, nowMs: number): void {
    this.advance(nowMs);
    this.jobs.push({ id, share, remaining: workMs });
  }

  /** The earliest completion under the current set, or undefined when idle. */
  nextCompletion(): { id: number; atMs: number } | undefined {
    let best: Job | undefined;
    for (const j of this.jobs) if (best === undefined || j.remaining < best.remaining) best = j;
    if (best === undefined) return undefined;
    return { id: best.id, atMs: this.lastMs + Math.max(0, best.remaining) * this.currentStretch() };
  }

  /** Advances to `nowMs` and removes the jobs that are done, in the order they were added; returns their ids. */
  finishDue(nowMs: number): number[] {
    this.advance(nowMs);
    const done = this.jobs.filter((j) => j.remaining <= DONE_EPS);
    this.jobs = this.jobs.filter((j) => j.remaining > DONE_EPS);
    return done.map((j) => j.id);
  }
}
