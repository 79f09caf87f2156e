/**
 * A simulated device bound to a clock: a compute engine shared by processor sharing (sharing.ts) and two copy
 * engines (copy-engine.ts), one per direction. Methods return promises that resolve at the simulated time the
 * work ends, so code that awaits them (the scheduler, through Session.run) sees time pass as on a device.
 *
 * Event-driven: whenever the set of computing tasks changes, the earliest completion is recomputed and one
 * timer is set for it; a timer set before the last change is stale and does nothing (generation counter),
 * because the VirtualClock cannot cancel timers. With a VirtualClock the same calls give the same times.
 */
import { Clock } from '../core/clock';
import { CopyEngine, LinkParams } from './copy-engine';
import { ProcessorSharing, ShareParams } from './sharing';

export interface SimDeviceParams extends ShareParams {
  /** A flat link or a copy time by size (ms). */
  readonly h2d?: LinkParams | ((bytes: number) => number);
  readonly d2h?: LinkParams | ((bytes: number) => number);
}

export class SimDevice {
  private readonly sharing: ProcessorSharing;
  private readonly h2d?: CopyEngine;
  private readonly d2h?: CopyEngine;
  private readonly waiting = new Map<number, () => void>();
  private nextId = 0;
  private generation = 0;
  /** Busy time of the compute engine (ms with at least one task running), for utilisation figures. */
  busyMs = 0;
  private busySince = -1;

  constructor(readonly clock: Clock, params: SimDeviceParams) {
    this.sharing = new ProcessorSharing(params);
    if (params.h2d) this.h2d = new CopyEngine(params.h2d);
    if (params.d2h) this.d2h = new CopyEngine(params.d2h);
  }

  /** Resolves after `ms` of host time (not shared). */
  host(ms: number): Promise<void> {
    return ms > 0 ? this.clock.sleep(ms) : Promise.resolve();
  }

  /**
   * Copies `bytes` over a link, holding the engine `extraMs` more (a weight upload's own cost beyond the copy); resolves
   * when the copy ends (queued behind earlier copies the same way).
   */
  copy(direction: 'h2d' | 'd2h', bytes: number, extraMs = 0): Promise<void> {
    const engine = direction === 'h2d' ? this.h2d : this.d2h;
    if (engine === undefined || bytes <= 0) return Promise.resolve();
    const end = engine.issue(bytes, this.clock.now(), extraMs);
    return new Promise((resolve) => this.clock.at(end, resolve));
  }

  /** Runs `aloneMs` of device work at share `share`; resolves when it is done under sharing. */
  compute(aloneMs: number, share: number): Promise<void> {
    if (aloneMs <= 0) return Promise.resolve();
    const id = this.nextId++;
    const now = this.clock.now();
    if (this.sharing.running === 0) this.busySince = now;
    this.sharing.add(id, aloneMs, share, now);
    const done = new Promise<void>((resolve) => this.waiting.set(id, resolve));
    this.reschedule();
    return done;
  }

  private reschedule(): void {
    const generation = ++this.generation;
    const next = this.sharing.nextCompletion();
    if (next === undefined) return;
    this.clock.at(next.atMs, () => {
      if (generation !== this.generation) return;
      const now = this.clock.now();
      for (const id of this.sharing.finishDue(now)) {
        const resolve = this.waiting.get(id);
        this.waiting.delete(id);
        resolve?.();
      }
      if (this.sharing.running === 0 && this.busySince >= 0) {
        this.busyMs += now - this.busySince;
        this.busySince = -1;
      }
      this.reschedule();
    });
  }
}
