/**
 * Where each request's time goes, for tracing a latency ratio (`quilt sweep`): per request,
 *  - uploadWaitMs: time its admitted tasks waited for their weights to reach the device (an upload on a ledger miss,
 *    or one already in flight: another request's, or a prefetch not finished yet);
 *  - memoryWaitMs: time its ready tasks waited for admission while a compute slot was free, i.e. the policy held
 *    them back (the ledger had no room for them, or the policy's order put them behind one that had none);
 *  - computeMs: time its tasks ran (Session.run: inputs up, compute, outputs down).
 * The rest of its latency is waiting for a compute slot (every slot busy) or for a task's own upload's turn.
 *
 * `WaitClock` accumulates memory waits: the loop tells it, before each change, that time has passed; the waiting
 * set and whether slots were all busy are those of the interval that just ended.
 */

export interface RequestWaits {
  readonly requestId: number;
  /** Weight bytes uploaded for it (its misses and its prefetches; 0 on a device without memory of its own). */
  readonly uploadBytes: number;
  readonly uploadWaitMs: number;
  readonly memoryWaitMs: number;
  readonly computeMs: number;
}

export interface Waiting {
  memoryWaitMs: number;
}

export class WaitClock<S extends Waiting> {
  /** Requests whose ready task the policy holds (enqueued, not admitted). */
  readonly waiting = new Set<S>();
  private markMs = 0;
  private slotsFull = false;

  constructor(startMs: number) {
    this.markMs = startMs;
  }

  /** Time has reached `nowMs`: the interval since the last call counts as memory wait if a slot was free. */
  advance(nowMs: number): void {
    const dt = nowMs - this.markMs;
    if (dt > 0 && !this.slotsFull) for (const s of this.waiting) s.memoryWaitMs += dt;
    this.markMs = Math.max(this.markMs, nowMs);
  }

  /** Whether every compute slot is busy from now until the next `advance`. */
  setSlotsFull(full: boolean): void {
    this.slotsFull = full;
  }
}
