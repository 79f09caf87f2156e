/**
 * Which cached weights requests still need, and how soon: the ledger's eviction order (device-ledger.ts) reads it.
 *
 * A request that has arrived and not ended, with `tasksRun` of its tasks finished, will run its tasks
 * tasksRun, tasksRun + 1, ... in order. The distance of a weights key is the least number of tasks any such
 * request has to finish before it runs a task with that key (0: a request's next task uses it). Keys no
 * live request will use are absent. Per deployment the live requests' positions are merged, so the cost is
 * the tasks of the deployments in use plus the live requests, not their product.
 */
import { Deployment } from './deployment';

export interface RequestProgress {
  readonly deployment: Deployment;
  /** Tasks the request has finished (its next task's index). */
  readonly tasksRun: number;
}

/** Weights key -> the least distance (in tasks) at which a live request needs it. */
export function wantedWeights(live: Iterable<RequestProgress>): Map<string, number> {
  const positions = new Map<Deployment, Set<number>>();
  for (const r of live) {
    const at = positions.get(r.deployment) ?? new Set<number>();
    at.add(r.tasksRun);
    positions.set(r.deployment, at);
  }
  const wanted = new Map<string, number>();
  for (const [deployment, at] of positions) {
    let nearest = -1;
    deployment.tasks.forEach((task, i) => {
      if (at.has(i)) nearest = i;
      if (nearest < 0) return;
      const distance = i - nearest;
      const known = wanted.get(task.weightsKey);
      if (known === undefined || distance < known) wanted.set(task.weightsKey, distance);
    });
  }
  return wanted;
}
