/**
 * `--threshold auto`: each model's quilt threshold from the budget and the device, not a fixed share of its peak.
 *
 * Rule: the device runs `concurrency` tasks at once, so `concurrency` requests may be in flight together; each
 * holds its running task and its pool. A model's threshold is the largest one at which such a request fits in an
 * equal share of the budget, share = budget / concurrency:
 *   1. a model whose whole demand (its one-task plan's demand) is within the share is not cut: threshold = that
 *      demand, so an unlimited budget gives every model whole;
 *   2. otherwise start at the share and, while the plan's largest task plus its pool exceeds the share, lower the
 *      threshold by the excess and plan again (at most `MAX_STEPS` times; the pool shrinks or stays as tasks
 *      shrink); a threshold below the smallest feasible one is raised to it, as for any threshold (`clamp`).
 * Nothing here reads the workload's arrivals or any measured time: only the budget, the concurrency and the plans.
 */
import { PartitionPlan } from '../partition/plan';

export const MAX_STEPS = 4;

export interface AutoThresholdInput {
  readonly budgetBytes: number;
  /** Tasks the device runs at once (the run's concurrency). */
  readonly concurrency: number;
  /** The model's one-task demand (weights + peak activations, with the runtime's terms). */
  readonly wholeDemandBytes: number;
  /** The model's quilt plan at a threshold in bytes (clamped to the smallest feasible one). */
  readonly planAt: (thresholdBytes: number) => PartitionPlan;
}

/** What one request of the plan needs at once: its largest task plus its pool (budget.ts's rule, one request). */
export function requestNeedBytes(plan: PartitionPlan): number {
  const largest = Math.max(0, ...plan.tasks.map((t) => t.demandBytes));
  return largest + (plan.tasks.length > 1 ? plan.pool.poolBytes : 0);
}

/** The threshold in bytes the rule gives for one model. */
export function autoThresholdBytes(input: AutoThresholdInput): number {
  if (!Number.isFinite(input.budgetBytes)) return input.wholeDemandBytes;
  const share = Math.floor(input.budgetBytes / Math.max(1, input.concurrency));
  if (input.wholeDemandBytes <= share) return input.wholeDemandBytes;
  let threshold = share;
  for (let step = 0; step < MAX_STEPS; step++) {
    const plan = input.planAt(threshold);
    const excess = requestNeedBytes(plan) - share;
    if (excess <= 0 || plan.thresholdBytes > threshold) return plan.thresholdBytes;
    threshold = Math.max(1, threshold - excess);
  }
  return input.planAt(threshold).thresholdBytes;
}
