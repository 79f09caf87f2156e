/**
 * A copy engine: one direction of the host-device link (host to device, or device to host). Copies on one
 * engine run one after another in the order they were issued (first come, first served); the two engines and
 * the compute engine run in parallel, so copies overlap compute. A copy takes the time its link gives: a fixed
 * per-copy latency plus its bytes over the link's bandwidth (flat here, `copyMs`; by size and host memory kind
 * from measured copies in link.ts). Pure: the caller says what time it is.
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
  private readonly time: (bytes: number) => number;

  /** A flat link, or any copy time by size (ms; 0 for 0 bytes). */
  constructor(link: LinkParams | ((bytes: number) => number)) {
    this.time = typeof link === 'function' ? link : (bytes) => copyMs(bytes, link);
  }

  /** Queues a copy of `bytes` issued at `nowMs`, taking `extraMs` more on the engine; returns when it ends. */
  issue(bytes: number, nowMs: number, extraMs = 0): number {
    const duration = bytes <= 0 ? 0 : this.time(bytes) + extraMs;
    if (duration === 0) return nowMs;
    const start = Math.max(nowMs, this.freeAtMs);
    this.freeAtMs = start + duration;
    return this.freeAtMs;
  }
}
