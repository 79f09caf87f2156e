/**
 * Clocks for the scheduler: time in milliseconds since the run started, timers at absolute times, and sleeps.
 *
 * - RealClock: `performance.now()` since construction; timers are `setTimeout`s.
 * - VirtualClock: a discrete-event clock for deterministic tests with the fake backend. Time only moves when
 *   a timer fires. Timers fire one at a time in (time, creation order), each from its own `setImmediate`, so
 *   every promise chain a firing starts (a fake session finishing, the scheduler reacting and starting the
 *   next tasks, which schedule their own timers) settles before the next timer fires. Invariant: with code
 *   that waits only on this clock (no real I/O, no real timers), the same inputs give the same sequence of
 *   firings, so the same schedule.
 */

export interface Clock {
  /** Milliseconds since the run started. */
  now(): number;
  /** Calls `fn` at `atMs` (ms since start), or as soon as possible when that time has passed. */
  at(atMs: number, fn: () => void): void;
  /** Resolves `ms` milliseconds from now. */
  sleep(ms: number): Promise<void>;
}

export class RealClock implements Clock {
  private readonly origin = performance.now();

  now(): number {
    return performance.now() - this.origin;
  }

  at(atMs: number, fn: () => void): void {
    setTimeout(fn, Math.max(0, atMs - this.now()));
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }
}

interface VirtualTimer {
  readonly atMs: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class VirtualClock implements Clock {
  private time = 0;
  private seq = 0;
  /** Pending timers sorted by (atMs, seq). */
  private readonly timers: VirtualTimer[] = [];
  private stepScheduled = false;

  now(): number {
    return this.time;
  }

  at(atMs: number, fn: () => void): void {
    const timer: VirtualTimer = { atMs: Math.max(atMs, this.time), seq: this.seq++, fn };
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = this.timers[mid];
      if (t.atMs < timer.atMs || (t.atMs === timer.atMs && t.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
    this.scheduleStep();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(this.time + Math.max(0, ms), resolve));
  }

  /** Number of timers that have not fired yet. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  private scheduleStep(): void {
    if (this.stepScheduled) return;
    this.stepScheduled = true;
    setImmediate(() => this.step());
  }

  private step(): void {
    this.stepScheduled = false;
    const timer = this.timers.shift();
    if (timer === undefined) return;
    this.time = timer.atMs;
    timer.fn();
    if (this.timers.length > 0) this.scheduleStep();
  }
}
