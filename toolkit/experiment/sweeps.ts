/**
 * Experiments over a grid, returning plain rows that notebooks show and plot directly (no rows built in a
 * notebook, no rule written twice):
 *  - `thresholdSweep`: one model partitioned at a range of thresholds (shares of its peak); thresholds below
 *    the smallest feasible one are rows of their own, found by the rule, not by catching an error;
 *  - `granularityTable`: one model at model, quilt and layer granularity;
 *  - `poolSavings`: per model of a workload, the host<->device bytes the pool saves per request
 *    (schedule/transfers.ts's rule on the plan's cut bytes);
 *  - `poolComparison`: quilt with the pool on and off in alternating rounds (rows labelled by setting);
 *  - `sweepBudgets`: policies run at a list of budgets over one workspace; a policy whose need (budget.ts's rule)
 *    exceeds a budget, or that cannot start (PolicyCannotStartError), is a `cannot` row with the bytes.
 */
import { fileOrder } from '../graph/order';
import { analyzeMemory } from '../memory/profile';
import { Granularity } from '../partition/plan';
import { propose, smallestFeasibleThreshold } from '../partition/propose';
import { RequestRow, SummaryRow } from '../core/rows';
import { Backend } from '../runtime/backend';
import { TransferMeter } from '../schedule/transfers';
import { WorkloadSpec } from '../workload';
import { OpenedModel } from './model-source';
import { runWorkload } from './run';
import { DEFAULT_THRESHOLD, Workspace } from './workspace';

export interface ModelLimits {
  readonly model: string;
  readonly peakBytes: number;
  /** Below this threshold no quilt plan exists. */
  readonly minFeasibleThresholdBytes: number;
  /** The same as a share of the peak (percent). */
  readonly minFeasiblePct: number;
}

export function modelLimits(model: OpenedModel): ModelLimits {
  const order = fileOrder(model.graph);
  const peakBytes = analyzeMemory(model.graph, order).peakBytes;
  const minFeasibleThresholdBytes = smallestFeasibleThreshold(model.graph, order);
  return { model: model.name, peakBytes, minFeasibleThresholdBytes, minFeasiblePct: (100 * minFeasibleThresholdBytes) / peakBytes };
}

export interface ThresholdSweepPoint {
  model: string;
  thresholdPct: number;
  thresholdBytes: number;
  /** Whether a plan exists at this threshold (it is at least the smallest feasible one). */
  feasible: boolean;
  /** 0 where infeasible. */
  tasks: number;
  poolBytes: number;
  cutBytes: number;
}

/** Quilt plans of one model at thresholds of `fromPct`..`toPct` of its peak, every `stepPct`. */
export function thresholdSweep(model: OpenedModel, range: { fromPct: number; toPct: number; stepPct: number }): ThresholdSweepPoint[] {
  const order = fileOrder(model.graph);
  const { peakBytes, minFeasibleThresholdBytes } = modelLimits(model);
  const points: ThresholdSweepPoint[] = [];
  for (let pct = range.fromPct; pct <= range.toPct + 1e-9; pct += range.stepPct) {
    const thresholdBytes = Math.floor((peakBytes * pct) / 100);
    if (thresholdBytes < minFeasibleThresholdBytes || thresholdBytes <= 0) {
      points.push({ model: model.name, thresholdPct: pct, thresholdBytes, feasible: false, tasks: 0, poolBytes: 0, cutBytes: 0 });
      continue;
    }
    const plan = propose(model.graph, order, { granularity: 'quilt', threshold: thresholdBytes });
    points.push({ model: model.name, thresholdPct: pct, thresholdBytes, feasible: true, tasks: plan.tasks.length, poolBytes: plan.pool.poolBytes, cutBytes: plan.cutBytes });
  }
  return points;
}

export interface GranularityRow {
  model: string;
  granularity: Granularity;
  /** Quilt's threshold (clamped to the smallest feasible one); 0 for the others. */
  thresholdBytes: number;
  tasks: number;
  largestDemandBytes: number;
  cutBytes: number;
  poolBytes: number;
}

/** One model at model, quilt (at `threshold`, clamped) and layer granularity. */
export function granularityTable(model: OpenedModel, threshold: number | string = DEFAULT_THRESHOLD): GranularityRow[] {
  const order = fileOrder(model.graph);
  const plans = [
    propose(model.graph, order, { granularity: 'model' }),
    propose(model.graph, order, { granularity: 'quilt', threshold, clamp: true }),
    propose(model.graph, order, { granularity: 'layer' }),
  ];
  return plans.map((p) => ({
    model: model.name, granularity: p.granularity, thresholdBytes: p.granularity === 'quilt' ? p.thresholdBytes : 0,
    tasks: p.tasks.length, largestDemandBytes: Math.max(...p.tasks.map((t) => t.demandBytes)), cutBytes: p.cutBytes, poolBytes: p.pool.poolBytes,
  }));
}

export interface PoolSavingsRow {
  model: string;
  tasks: number;
  cutBytes: number;
  /** Host<->device bytes per request for the cut tensors, pool on and off, on a device with its own memory. */
  poolOnTransferBytes: number;
  poolOffTransferBytes: number;
}

/** Per model of the workspace, at quilt's `threshold` (clamped): what the pool saves per request. */
export function poolSavings(ws: Workspace, threshold: number | string = DEFAULT_THRESHOLD): PoolSavingsRow[] {
  const on = new TransferMeter(true, true);
  const off = new TransferMeter(true, false);
  return [...ws.plansAt('quilt', threshold)].map(([model, plan]) => ({
    model, tasks: plan.tasks.length, cutBytes: plan.cutBytes,
    poolOnTransferBytes: on.cutBytes(plan.cutBytes), poolOffTransferBytes: off.cutBytes(plan.cutBytes),
  }));
}

export interface BudgetSweepOptions {
  readonly workspace?: Workspace;
  /** Used when no workspace is given. */
  readonly workload?: string | WorkloadSpec;
  readonly backend: Backend;
  /** Budgets as runWorkload takes them ('85%', '2GiB', bytes). */
  readonly budgets: readonly (string | number)[];
  readonly policies: readonly string[];
  /** Quilt thresholds to try in order at each budget: the first whose plans fit runs (default: 50%). */
  readonly thresholds?: readonly (string | number)[];
  readonly requests?: number;
  /** Called after each (budget, policy). */
  readonly onStep?: (step: { budget: string | number; policy: string; ran: boolean }) => void;
}

export interface BudgetSweepPoint {
  policy: string;
  budget: string;
  budgetBytes: number;
  /** Quilt's threshold that ran ('' for the other policies). */
  threshold: string;
  requests: number;
  completed: number;
  meanLatencyMs: number;
  p95LatencyMs: number;
}

export interface CannotRunRow {
  policy: string;
  budget: string;
  budgetBytes: number;
  /** What the policy needs (its smallest need over the thresholds tried). */
  neededBytes: number;
  why: string;
}

export interface BudgetSweepResult {
  readonly points: BudgetSweepPoint[];
  readonly cannot: CannotRunRow[];
  readonly backend: string;
  readonly device: string;
}

export async function sweepBudgets(options: BudgetSweepOptions): Promise<BudgetSweepResult> {
  if (options.workspace === undefined && options.workload === undefined) throw new Error('sweepBudgets: give a workload or a workspace');
  const ws = options.workspace ?? await Workspace.open(options.workload!, { keepTaskModels: true });
  const runtime = await options.backend.runtimeMemory?.();
  const points: BudgetSweepPoint[] = [];
  const cannot: CannotRunRow[] = [];
  for (const budget of options.budgets) {
    const budgetBytes = ws.budgetBytes(budget, runtime);
    for (const policy of options.policies) {
      const tried = policy === 'quilt' ? options.thresholds ?? [DEFAULT_THRESHOLD] : [DEFAULT_THRESHOLD];
      const needs = tried.map((threshold) => ({ threshold, need: ws.budgetNeed(policy, { threshold, runtime })?.neededBytes ?? 0 }));
      const fitting = needs.find((n) => n.need <= budgetBytes);
      let ran = false;
      if (fitting === undefined) {
        const neededBytes = Math.min(...needs.map((n) => n.need));
        cannot.push({ policy, budget: String(budget), budgetBytes, neededBytes, why: 'its largest task (and pool) does not fit' });
      } else {
        const r = await runWorkload({ workspace: ws, backend: options.backend, budget: budgetBytes, policies: [policy],
          threshold: fitting.threshold, requests: options.requests });
        const notRun = r.notRun[0];
        if (notRun !== undefined) {
          cannot.push({ policy, budget: String(budget), budgetBytes, neededBytes: notRun.neededBytes, why: notRun.reason });
        } else {
          const s = r.summaries[0];
          points.push({ policy, budget: String(budget), budgetBytes, threshold: policy === 'quilt' ? String(fitting.threshold) : '',
            requests: s.requests, completed: s.completed, meanLatencyMs: s.meanLatencyMs, p95LatencyMs: s.p95LatencyMs });
          ran = true;
        }
      }
      options.onStep?.({ budget, policy, ran });
    }
  }
  return { points, cannot, backend: options.backend.name, device: options.backend.device };
}

export interface PoolComparisonOptions {
  readonly workspace: Workspace;
  readonly backend: Backend;
  readonly budget: string | number;
  /** Quilt's threshold (default 50%, clamped per model). */
  readonly threshold?: string | number;
  /** Rounds of (pool on, pool off), alternated so a slow moment of the machine hits both (default 2). */
  readonly rounds?: number;
  readonly requests?: number;
  /** Called as each request ends, with the setting's label. */
  readonly onRequest?: (label: string) => void;
}

export interface PoolComparison {
  /** Every request of every round; `policy` holds the setting ('pool on' / 'pool off') so plots group by it. */
  readonly rows: RequestRow[];
  /** One per run, with its setting and round. */
  readonly summaries: (SummaryRow & { pool: string; round: number })[];
  readonly backend: string;
  readonly device: string;
}

export async function poolComparison(options: PoolComparisonOptions): Promise<PoolComparison> {
  const rows: RequestRow[] = [];
  const summaries: (SummaryRow & { pool: string; round: number })[] = [];
  for (let round = 1; round <= (options.rounds ?? 2); round++) {
    for (const pool of [true, false]) {
      const label = `pool ${pool ? 'on' : 'off'}`;
      const r = await runWorkload({
        workspace: options.workspace, backend: options.backend, budget: options.budget, policies: ['quilt'],
        threshold: options.threshold, pool, requests: options.requests,
        onProgress: (p) => { if (p.done > 0) options.onRequest?.(label); },
      });
      rows.push(...r.rows.map((row) => ({ ...row, policy: label })));
      summaries.push(...r.summaries.map((s) => ({ ...s, pool: label, round })));
    }
  }
  return { rows, summaries, backend: options.backend.name, device: options.backend.device };
}
