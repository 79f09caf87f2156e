/**
 * Peak-memory-aware admission, FIFO by arrival with backfill: the queue discipline that `quilt`, `model-level`
 * and `layer-level` share, so that comparing them compares granularity and the pool, not queueing.
 *
 * Stages of `next(device)`:
 *  1. Walk the ready tasks in order of their request's arrival (then request id; a request has at most one
 *     ready task, so requests already in flight come before later arrivals).
 *  2. Skip a task that does not fit the ledger now; the first one that fits is admitted (backfill: a smaller
 *     task behind a blocked one may go first).
 *  3. A request's first task (which starts the request and, with the pool on, reserves its pool) is admitted
 *     only when the in-flight requests stay completable:
 *       sum of in-flight pools (this one included) + the largest task demand among them <= capacity.
 *     Then, once running tasks end and unused weights are evicted, every in-flight request's next task fits,
 *     so pools never deadlock the device. (The run checks up front that one request alone fits.)
 *     And, unless no request is in flight, the in-flight requests' working set stays resident:
 *       sum of in-flight pools + the weights of every model in flight (each model once, this one included)
 *         <= capacity.
 *     A request admitted past that evicts weights that requests already in flight still need and uploads
 *     them again before they end (thrashing: on sim:h100's default workload at 60%, quilt's in-flight models
 *     held 857 MiB of weights against a 746 MiB budget 69% of the time). A whole-model task reserves its
 *     weights for its request's whole life, so for model-level this rule is implied by the first one.
 *  4. Anti-starvation: once the head of the queue has been passed over `maxBypass` times, no new request
 *     starts ahead of it (tasks of requests in flight still may, which keeps the invariant of stage 3).
 */
import { Granularity } from '../../partition/plan';
import { maxTaskDemand } from '../deployment';
import { Admission, DeviceView, Policy, PolicyContext, ReadyTask, taskReservation } from '../policy';

export interface FifoBackfillOptions {
  readonly name: string;
  readonly granularity: Granularity;
  readonly defaultPool: boolean;
  /** How many times the head may be passed over before new requests wait behind it (default 16). */
  readonly maxBypass?: number;
}

interface InFlight {
  readonly model: string;
  readonly weightBytes: number;
  readonly poolBytes: number;
  readonly maxDemandBytes: number;
}

export class FifoBackfillPolicy implements Policy {
  readonly name: string;
  readonly granularity: Granularity;
  readonly defaultPool: boolean;
  readonly enforcesBudget = true;
  readonly reservesAtStart = false;
  private readonly maxBypass: number;
  private readonly queue: ReadyTask[] = [];
  private readonly inFlight = new Map<number, InFlight>();
  private pool = true;
  private capacityBytes = 0;
  private headRequest = -1;
  private headBypassed = 0;

  constructor(options: FifoBackfillOptions) {
    this.name = options.name;
    this.granularity = options.granularity;
    this.defaultPool = options.defaultPool;
    this.maxBypass = options.maxBypass ?? 16;
  }

  get size(): number {
    return this.queue.length;
  }

  start(context: PolicyContext): void {
    this.pool = context.pool;
    this.capacityBytes = context.capacityBytes;
  }

  enqueue(ready: ReadyTask): void {
    let i = this.queue.length;
    while (i > 0 && comesAfter(this.queue[i - 1], ready)) i--;
    this.queue.splice(i, 0, ready);
  }

  next(device: DeviceView): Admission | undefined {
    if (this.queue.length === 0) return undefined;
    const head = this.queue[0];
    if (head.requestId !== this.headRequest) {
      this.headRequest = head.requestId;
      this.headBypassed = 0;
    }
    for (let i = 0; i < this.queue.length; i++) {
      const ready = this.queue[i];
      const starts = ready.taskIndex === 0;
      if (starts && i > 0 && this.headBypassed >= this.maxBypass) continue;
      if (starts && !this.staysCompletable(ready)) continue;
      const reservation = taskReservation(ready, this.pool);
      if (!device.fits(reservation)) continue;
      this.queue.splice(i, 1);
      if (i > 0) this.headBypassed++;
      if (starts) {
        this.inFlight.set(ready.requestId, {
          model: ready.model,
          weightBytes: modelWeightBytes(ready),
          poolBytes: reservation.poolBytes,
          maxDemandBytes: maxTaskDemand(ready.deployment),
        });
      }
      return { ready, reservation };
    }
    return undefined;
  }

  onRequestEnd(requestId: number): void {
    this.inFlight.delete(requestId);
  }

  private staysCompletable(ready: ReadyTask): boolean {
    let pools = this.pool ? ready.deployment.poolBytes : 0;
    let maxDemand = maxTaskDemand(ready.deployment);
    const weights = new Map<string, number>([[ready.model, modelWeightBytes(ready)]]);
    for (const f of this.inFlight.values()) {
      pools += f.poolBytes;
      maxDemand = Math.max(maxDemand, f.maxDemandBytes);
      weights.set(f.model, f.weightBytes);
    }
    if (pools + maxDemand > this.capacityBytes) return false;
    if (this.inFlight.size === 0) return true;
    let resident = pools;
    for (const bytes of weights.values()) resident += bytes;
    return resident <= this.capacityBytes;
  }
}

/** Bytes of all the weights of a ready task's model (the sum over its tasks). */
function modelWeightBytes(ready: ReadyTask): number {
  return ready.deployment.tasks.reduce((sum, t) => sum + t.weightBytes, 0);
}

function comesAfter(a: ReadyTask, b: ReadyTask): boolean {
  return a.arrivalMs > b.arrivalMs || (a.arrivalMs === b.arrivalMs && a.requestId > b.requestId);
}
