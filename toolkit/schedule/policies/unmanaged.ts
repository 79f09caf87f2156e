/**
 * `unmanaged`: no admission control. Ready tasks run in order of arrival as soon as a worker is free; the
 * loop holds their memory with `forceReserve`, so when an allocation would exceed the capacity the ledger
 * records the overflow and the request fails with status 'oom' (its memory returns), as on a real GPU.
 */
import { Admission, Policy, PolicyContext, ReadyTask, taskReservation } from '../policy';

export class UnmanagedPolicy implements Policy {
  readonly name = 'unmanaged';
  readonly granularity = 'model' as const;
  readonly defaultPool = true;
  readonly enforcesBudget = false;
  readonly reservesAtStart = false;
  private readonly queue: ReadyTask[] = [];
  private pool = true;

  get size(): number {
    return this.queue.length;
  }

  start(context: PolicyContext): void {
    this.pool = context.pool;
  }

  enqueue(ready: ReadyTask): void {
    this.queue.push(ready);
  }

  next(): Admission | undefined {
    const ready = this.queue.shift();
    return ready === undefined ? undefined : { ready, reservation: taskReservation(ready, this.pool) };
  }

  onRequestEnd(): void {}
}

export function unmanagedPolicy(): Policy {
  return new UnmanagedPolicy();
}
