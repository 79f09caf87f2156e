/**
 * The Policy seam: which ready task runs next. The scheduler loop enqueues a request's next task when it
 * becomes ready and asks `next(device)` whenever a worker is free; a policy decides order and admission,
 * and asks the device view (the ledger) whether a reservation fits. The loop never asks which policy it holds:
 * it reads only the fields below.
 */
import { Granularity } from '../partition/plan';
import { Deployment, DeployedTask } from './deployment';
import { Reservation, Ticket } from './device-ledger';

/** One task of one request, ready to run (its predecessors are done). */
export interface ReadyTask {
  readonly requestId: number;
  readonly model: string;
  readonly arrivalMs: number;
  readonly taskIndex: number;
  readonly task: DeployedTask;
  readonly deployment: Deployment;
}

/** What a policy hands the loop: a task and the reservation to hold while it runs. */
export interface Admission {
  readonly ready: ReadyTask;
  readonly reservation: Reservation;
}

/** The read-only view of the device ledger a policy decides with. */
export interface DeviceView {
  readonly capacityBytes: number;
  readonly freeBytes: number;
  /** Whether the reservation fits now (counting room that evicting unused cached weights makes). */
  fits(reservation: Reservation): boolean;
}

/** What a policy gets once, before the first request arrives. */
export interface PolicyContext {
  /** Deployments by model name. */
  readonly deployments: ReadonlyMap<string, Deployment>;
  /** Whether requests keep their cut tensors in a device pool. */
  readonly pool: boolean;
  /** Holds a reservation for the whole run (e.g. Triton's loaded instances); undefined when it does not fit. */
  reservePermanently(reservation: Reservation): Ticket | undefined;
  readonly capacityBytes: number;
}

export interface Policy {
  /** The name rows carry ('quilt', 'model-level', ...). */
  readonly name: string;
  /** The deployment granularity this policy schedules. */
  readonly granularity: Granularity;
  /** Whether cut tensors stay on the device in a pool unless the run says otherwise. */
  readonly defaultPool: boolean;
  /**
   * Whether the policy is managed: it admits only what fits, so it never goes out of memory (the ledger holds
   * its reservations with `tryReserve`). False (unmanaged): allocations are forced and may overflow.
   */
  readonly enforcesBudget: boolean;
  /**
   * True when `start` reserves every model's memory for the whole run (triton-style): whether the workload fits
   * is decided there (PolicyCannotStartError), not by the per-request budget rule of budget.ts.
   */
  readonly reservesAtStart: boolean;
  /** Number of ready tasks waiting. */
  readonly size: number;
  /** Called once before the loop starts; throws PolicyCannotStartError when it cannot set up (e.g. loading fails). */
  start(context: PolicyContext): void;
  enqueue(ready: ReadyTask): void;
  /** Removes and returns the next task to run with its reservation, or undefined when none should run now. */
  next(device: DeviceView): Admission | undefined;
  /** A request has ended (ok, oom or error); the policy forgets it. */
  onRequestEnd(requestId: number): void;
}

/** The reservation a task normally needs: its weights, its peak activations, and its request's pool first. */
export function taskReservation(ready: ReadyTask, pool: boolean): Reservation {
  const { task } = ready;
  return {
    requestId: ready.requestId,
    weightsKey: task.weightBytes > 0 ? task.weightsKey : '',
    weightBytes: task.weightBytes,
    activationBytes: task.demandBytes - task.weightBytes,
    poolBytes: pool && ready.taskIndex === 0 ? ready.deployment.poolBytes : 0,
  };
}
