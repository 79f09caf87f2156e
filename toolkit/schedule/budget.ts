/**
 * Budgets, each rule written once:
 *  - parsing: bytes, a size with a unit ('2GiB'), a share of the sum of the models' demands ('60%', the strict
 *    parser of core/percent.ts; each model's demand with the backend's runtime terms, the one its percentage
 *    thresholds are shares of, so '100%' holds every model at once), a share of the sum of their liveness
 *    peaks ('60%peak', the older meaning), or 'unlimited';
 *  - the budget a workload needs under a step-by-step policy: one request alone must fit, so the largest
 *    task demand of any model used, plus that model's pool when the pool is on and the model has more than one
 *    task. The scheduler checks it before a run, and reproduce, the bench and the notebooks ask for it
 *    (`budgetNeed`) instead of catching an error: a budget below it is a BudgetTooSmallError with the bytes.
 */
import { BudgetTooSmallError } from '../core/memory-errors';
import { isPeakPercentText, isPercentText, parsePeakPercent, parsePercent, shareOf } from '../core/percent';
import { formatBytes, parseBytes } from '../core/units';

export const UNLIMITED_BUDGET = Number.MAX_SAFE_INTEGER;

/** What a budget's percentages are shares of: the sum of the models' demands ('60%') and of their peaks ('60%peak'). */
export interface BudgetBases {
  readonly demandBytes: number;
  readonly peakBytes: number;
}

/** A budget in bytes: '60%' is a share of the models' demands, '60%peak' of their peaks (a number: both); 'unlimited' is no limit. */
export function parseBudget(budget: number | string, bases: number | BudgetBases): number {
  const { demandBytes, peakBytes } = typeof bases === 'number' ? { demandBytes: bases, peakBytes: bases } : bases;
  if (typeof budget === 'string' && /^\s*(unlimited|none|inf(inity)?)\s*$/i.test(budget)) return UNLIMITED_BUDGET;
  if (isPeakPercentText(budget)) return shareOf(peakBytes, parsePeakPercent(budget, '--budget'));
  if (isPercentText(budget)) return shareOf(demandBytes, parsePercent(budget, '--budget'));
  return parseBytes(budget, '--budget');
}

/** What the rule reads of a model at one granularity (a PartitionPlan or a Deployment gives it). */
export interface ModelDemands {
  readonly model: string;
  readonly taskDemands: readonly number[];
  /** The request's pool buffer when the pool is on (ignored for a single task). */
  readonly poolBytes: number;
}

export interface BudgetNeed {
  readonly neededBytes: number;
  readonly model: string;
  /** The task with the largest demand. */
  readonly taskIndex: number;
  readonly taskBytes: number;
  /** The pool counted on top (0 when the pool is off or the model is one task). */
  readonly poolBytes: number;
}

/** The least budget at which every model can run one request, and the model that sets it; undefined for none. */
export function budgetNeed(models: Iterable<ModelDemands>, pool: boolean): BudgetNeed | undefined {
  let worst: BudgetNeed | undefined;
  for (const m of models) {
    let taskIndex = -1;
    let taskBytes = 0;
    m.taskDemands.forEach((d, i) => { if (taskIndex < 0 || d > taskBytes) { taskIndex = i; taskBytes = d; } });
    if (taskIndex < 0) continue;
    const poolBytes = pool && m.taskDemands.length > 1 ? m.poolBytes : 0;
    const neededBytes = taskBytes + poolBytes;
    if (worst === undefined || neededBytes > worst.neededBytes) worst = { neededBytes, model: m.model, taskIndex, taskBytes, poolBytes };
  }
  return worst;
}

/** Throws BudgetTooSmallError when `budgetBytes` is below the need. */
export function checkBudget(need: BudgetNeed | undefined, budgetBytes: number, policy?: string): void {
  if (need === undefined || need.neededBytes <= budgetBytes) return;
  throw new BudgetTooSmallError({
    neededBytes: need.neededBytes, budgetBytes, model: need.model, policy,
    detail: `task ${need.taskIndex} needs ${formatBytes(need.taskBytes)}`
      + (need.poolBytes > 0 ? ` plus its request's pool of ${formatBytes(need.poolBytes)}` : ''),
  });
}
