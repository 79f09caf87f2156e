/**
 * A copy engine: one direction of the host-device link (host to device, or device to host). Copies on one
 * engine run one after another in the order they were issued (first come, first served); the two engines and
 * the compute engine run in parallel, so copies overlap compute. A copy takes a fixed per-copy latency plus its
 * bytes over the link's bandwidth. Pure: the caller says what time it is.
 */

export interface LinkParams {
  /** Achieved bandwidth in bytes/s. */
  readonly bytesPerS: number;
  /** Fixed cost of one copy in ms. */
  readonly latencyMs: number;
}

/** Time one copy takes on an idle engine, in ms (0 bytes: no copy, no time). */
export function copyMs(bytes: number, p: LinkParams): number {
  if (bytes <= 0) return 0;
  return p.latencyMs + (bytes / p.bytesPerS) * 1000;
}

export class CopyEngine {
  private freeAtMs = 0;

  constructor(readonly params: LinkParams) {}

  /** Queues a copy of `bytes` issued at `nowMs`; returns when it ends. */
  issue(bytes: number, nowMs: number): number {
    const duration = copyMs(bytes, this.params);
    if (duration === 0) return nowMs;
    const start = Math.max(nowMs, this.freeAtMs);
    this.freeAtMs = start + duration;
    return this.freeAtMs;
  }
}
