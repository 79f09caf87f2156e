/**
 * `quilt reproduce`: the paper's comparison on the default workload.
 *
 * Stages: (1) the workload's models are opened and every policy's plans made (runWorkload);
 * (2) the main run: all five policies at a budget where the models do not all fit at their peaks (60% of the
 * sum of their peaks, raised to what every managed policy needs when that is more); triton-style cannot load
 * there, as Triton could not; (3) the Triton comparison: quilt and triton-style at a budget that holds every
 * model at its peak (100%); (4) the floor: quilt with no memory limit; (5) result CSVs written. The figures
 * are the caller's (plot/save.ts `saveReproduceFigures` draws them from what this returns).
 * Every number is measured on real executions in this run; ratios are of mean latencies.
 */
import * as path from 'node:path';
import { Backend } from '../runtime/backend';
import { ExperimentResult, runWorkload, RunProgress, UNLIMITED_BUDGET } from './run';
import { Workspace } from './workspace';
import { isManagedPolicy, POLICY_NAMES } from '../schedule/policies';
import { saveExperimentCsv, saveSummaryRows } from './save';
import { SummaryRow } from '../core/rows';

export interface ReproduceOptions {
  readonly backend: Backend;
  readonly workload: string;
  /** Budget of the main run; default: 60% of the sum of peaks, or the least every managed policy needs. */
  readonly budget?: string | number;
  readonly outDir: string;
  /** Budgets for the sweep of quilt and model-level (beyond the paper); none by default. */
  readonly sweepBudgets?: readonly string[];
  /** File name prefix, e.g. 'cpu' or 'cpu-quick'. */
  readonly prefix: string;
  /** A warm start for every policy (warm-up.ts); default cold. */
  readonly warm?: boolean;
  /** Prefetch for every policy (schedule/prefetch.ts); default off. */
  readonly prefetch?: boolean;
  readonly onProgress?: (stage: string, progress: RunProgress) => void;
}

export interface PolicyNumbers {
  readonly completed: number;
  readonly failed: number;
  readonly oom: number;
  readonly meanLatencyMs: number;
  readonly p95LatencyMs: number;
  readonly makespanMs: number;
}

export interface ReproduceReport {
  readonly backend: string;
  readonly device: string;
  readonly workload: string;
  /** Whether every policy had a warm start (warm-up.ts) or a cold one. */
  readonly warm: boolean;
  /** Whether prefetch was on for every policy. */
  readonly prefetch: boolean;
  readonly budgetBytes: number;
  readonly policies: Record<string, PolicyNumbers>;
  readonly notRun: readonly { policy: string; reason: string }[];
  readonly fits: { readonly budgetBytes: number; readonly policies: Record<string, PolicyNumbers> };
  readonly unlimited: PolicyNumbers;
  readonly ratios: Record<string, number | null>;
  /** Quilt and model-level at each sweep budget. */
  readonly sweep: readonly { budgetBytes: number; policy: string; meanLatencyMs: number; p95LatencyMs: number }[];
  readonly files: string[];
  readonly notes: string[];
}

/** The report, and the runs behind it (for figures). */
export interface ReproduceOutcome {
  readonly report: ReproduceReport;
  readonly main: ExperimentResult;
  /** Summaries of the sweep's runs (empty without sweep budgets). */
  readonly sweep: readonly SummaryRow[];
}

function numbers(s: SummaryRow): PolicyNumbers {
  return {
    completed: s.completed, failed: s.failed, oom: s.oom,
    meanLatencyMs: s.meanLatencyMs, p95LatencyMs: s.p95LatencyMs, makespanMs: s.makespanMs,
  };
}

function byPolicy(result: ExperimentResult): Record<string, PolicyNumbers> {
  return Object.fromEntries(result.summaries.map((s) => [s.policy, numbers(s)]));
}

export async function reproduce(options: ReproduceOptions): Promise<ReproduceOutcome> {
  const runtime = await options.backend.runtimeMemory?.();
  const workspace = await Workspace.open(options.workload, { runtime });
  const spec = workspace.spec;
  const notes: string[] = [];
  const run = (stage: string, policies: readonly string[], budget: string | number) => runWorkload({
    workspace, backend: options.backend, policies, budget, warm: options.warm, prefetch: options.prefetch,
    onProgress: (p) => options.onProgress?.(stage, p),
  });

  const mainPolicies = [...POLICY_NAMES];
  let budget: string | number = options.budget ?? '60%';
  const needed = workspace.neededBudgetBytes(mainPolicies);
  if (options.budget === undefined && workspace.budgetBytes(budget) < needed) {
    notes.push(`60% of the sum of the models' peaks is below what one policy needs; the budget was raised to ${needed} bytes`);
    budget = needed;
  }
  const main = await run('main', mainPolicies, budget);
  const sumOfPeaks = workspace.sumOfPeaksBytes;
  if (main.budgetBytes >= sumOfPeaks) notes.push('the main budget holds every model at its peak: this is not a memory-constrained run');
  const fits = await run('fits', ['quilt', 'triton-style'], Math.max(workspace.budgetBytes('100%'), main.budgetBytes));
  const floor = await run('unlimited', ['quilt'], UNLIMITED_BUDGET);
  const sweep: SummaryRow[] = [];
  const sweepPolicies = ['quilt', 'model-level'];
  for (const budgetText of options.sweepBudgets ?? []) {
    if (workspace.budgetBytes(budgetText) < workspace.neededBudgetBytes(sweepPolicies)) {
      notes.push(`sweep: budget ${budgetText} is below what quilt or model-level needs; skipped`);
      continue;
    }
    sweep.push(...(await run(`sweep ${budgetText}`, sweepPolicies, budgetText)).summaries);
  }

  const policies = byPolicy(main);
  const fitsPolicies = byPolicy(fits);
  const ratio = (a: PolicyNumbers | undefined, b: PolicyNumbers | undefined) => (a && b && b.meanLatencyMs > 0 ? a.meanLatencyMs / b.meanLatencyMs : null);
  const floorNumbers = numbers(floor.summaries[0]);
  const ratios = {
    quiltOverModelLevel: ratio(policies.quilt, policies['model-level']),
    quiltOverLayerLevel: ratio(policies.quilt, policies['layer-level']),
    quiltOverTritonStyle: ratio(fitsPolicies.quilt, fitsPolicies['triton-style']),
    quiltOverUnlimited: ratio(policies.quilt, floorNumbers),
  };
  for (const [p, n] of Object.entries(policies)) {
    if (isManagedPolicy(p) && n.oom > 0) notes.push(`managed policy ${p} had out-of-memory failures: this is a bug`);
  }

  const files = [
    ...saveExperimentCsv(main, path.join(options.outDir, `${options.prefix}`), { stage: 'main' }),
    ...saveExperimentCsv(fits, path.join(options.outDir, `${options.prefix}-fits`), { stage: 'fits' }),
    ...saveExperimentCsv(floor, path.join(options.outDir, `${options.prefix}-unlimited`), { stage: 'unlimited' }),
  ];
  if (sweep.length > 0) {
    files.push(...saveSummaryRows(sweep, main, path.join(options.outDir, `${options.prefix}-sweep-summary.csv`)));
  }
  const report: ReproduceReport = {
    backend: main.backend, device: main.device, workload: spec.name, warm: options.warm === true, prefetch: options.prefetch === true, budgetBytes: main.budgetBytes,
    policies, notRun: main.notRun,
    fits: { budgetBytes: fits.budgetBytes, policies: fitsPolicies },
    unlimited: floorNumbers, ratios, files, notes,
    sweep: sweep.map((r) => ({ budgetBytes: r.budgetBytes, policy: r.policy, meanLatencyMs: r.meanLatencyMs, p95LatencyMs: r.p95LatencyMs })),
  };
  return { report, main, sweep };
}
