/**
 * `triton-style`: like an inference server with every model loaded up front.
 *
 * Stages:
 *  1. start: load every deployed model as one instance, reserving its whole peak permanently (all its weights
 *     + its largest activation peak + its pool). When the models do not fit together, loading fails with a
 *     PolicyCannotStartError naming the model that did not fit and the bytes, as Triton's model loading would.
 *  2. next: one instance per model serves one request at a time; among the ready tasks, in order of arrival,
 *     the first whose model's instance is idle (or already serving that request) runs. FIFO per model.
 * Invariant: requests reserve nothing more (their memory is inside the instance's permanent reservation).
 */
import { PolicyCannotStartError } from '../../core/memory-errors';
import { Deployment } from '../deployment';
import { emptyReservation } from '../device-ledger';
import { Admission, Policy, PolicyContext, ReadyTask } from '../policy';

export class TritonStylePolicy implements Policy {
  readonly name = 'triton-style';
  readonly granularity = 'model' as const;
  readonly defaultPool = true;
  readonly enforcesBudget = true;
  readonly reservesAtStart = true;
  private readonly queue: ReadyTask[] = [];
  /** Model name -> the request its instance is serving. */
  private readonly serving = new Map<string, number>();

  get size(): number {
    return this.queue.length;
  }

  start(context: PolicyContext): void {
    const loaded: string[] = [];
    for (const deployment of context.deployments.values()) {
      const peak = instancePeak(deployment, context.pool);
      const ticket = context.reservePermanently({
        requestId: -1,
        weightsKey: `triton-instance:${deployment.model}`,
        weightBytes: peak.weightBytes,
        activationBytes: peak.activationBytes,
        poolBytes: 0,
      });
      if (ticket === undefined) {
        throw new PolicyCannotStartError({
          policy: this.name,
          model: deployment.model,
          neededBytes: peak.weightBytes + peak.activationBytes,
          freeBytes: Math.max(0, context.capacityBytes - usedBy(loaded, context)),
          budgetBytes: context.capacityBytes,
          detail: `after loading ${loaded.length} model(s)` + (loaded.length > 0 ? ` (${loaded.join(', ')})` : ''),
        });
      }
      loaded.push(deployment.model);
    }
  }

  enqueue(ready: ReadyTask): void {
    this.queue.push(ready);
  }

  next(): Admission | undefined {
    for (let i = 0; i < this.queue.length; i++) {
      const ready = this.queue[i];
      const busyWith = this.serving.get(ready.model);
      if (busyWith !== undefined && busyWith !== ready.requestId) continue;
      this.queue.splice(i, 1);
      this.serving.set(ready.model, ready.requestId);
      return { ready, reservation: emptyReservation(ready.requestId) };
    }
    return undefined;
  }

  onRequestEnd(requestId: number): void {
    for (const [model, id] of this.serving) if (id === requestId) this.serving.delete(model);
  }
}

/** A loaded instance's permanent memory: all its weights, its largest activation peak and its pool. */
function instancePeak(deployment: Deployment, pool: boolean): { weightBytes: number; activationBytes: number } {
  let weightBytes = 0;
  let activationBytes = 0;
  for (const t of deployment.tasks) {
    weightBytes += t.weightBytes;
    activationBytes = Math.max(activationBytes, t.demandBytes - t.weightBytes);
  }
  return { weightBytes, activationBytes: activationBytes + (pool ? deployment.poolBytes : 0) };
}

function usedBy(models: readonly string[], context: PolicyContext): number {
  let total = 0;
  for (const m of models) {
    const d = context.deployments.get(m);
    if (d) {
      const p = instancePeak(d, context.pool);
      total += p.weightBytes + p.activationBytes;
    }
  }
  return total;
}

export function tritonStylePolicy(): Policy {
  return new TritonStylePolicy();
}
