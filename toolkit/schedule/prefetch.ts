/**
 * Prefetch: which weights to upload before their task is ready, and what the ledger holds for them.
 *
 * Rule (every policy alike; `--prefetch on`): while a request's task k computes, the weights of its task k + 1
 * start uploading when (1) they are not resident and no upload of them is in flight, (2) the task has weights to
 * upload (a deployment that creates its sessions up front, as on the cpu backend, has no `loadWeights`: its next
 * session is prepared already), and (3) the ledger can hold them now: `tryReserve` with only the weights, which
 * never goes over the budget and evicts only weights no live request needs within one task (weights-wanted.ts's
 * distance; the prefetched task is at distance 1, so no request's next task's weights, nor the ready tasks', are
 * ever evicted for it). The reservation is held while the upload runs (nothing evicts half-uploaded weights),
 * then released: the weights stay cached like any others, and the task's own admission finds them resident.
 * A request's first task is never prefetched: when a request starts is the policy's choice, so model-level
 * (one task per request) uploads a whole model before its request starts, as defined, prefetch or not.
 */
import { DeployedTask, Deployment } from './deployment';
import { Reservation } from './device-ledger';

export interface PrefetchCandidate {
  readonly deployment: Deployment;
  /** Tasks the request has finished; its task `tasksRun` is the one computing. */
  readonly tasksRun: number;
}

export interface ResidencyView {
  isResident(weightsKey: string): boolean;
}

/** The task whose weights to prefetch for a request whose current task computes, or undefined. */
export function nextToPrefetch(
  request: PrefetchCandidate,
  ledger: ResidencyView,
  inFlight: ReadonlyMap<string, unknown>,
): DeployedTask | undefined {
  const next = request.deployment.tasks[request.tasksRun + 1];
  if (next === undefined || next.weightBytes <= 0 || next.loadWeights === undefined) return undefined;
  if (ledger.isResident(next.weightsKey) || inFlight.has(next.weightsKey)) return undefined;
  return next;
}

/** What a prefetch holds: the task's weights only (no activations, no pool). */
export function prefetchReservation(requestId: number, task: DeployedTask): Reservation {
  return { requestId, weightsKey: task.weightsKey, weightBytes: task.weightBytes, activationBytes: 0, poolBytes: 0 };
}
