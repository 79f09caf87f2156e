/**
 * `quilt reproduce`: the paper's comparison on the default workload.
 *
 * Stages: (1) the workload's models are opened and every policy's plans made (runWorkload);
 * (2) the main run: all five policies at a budget where the models do not all fit at their peaks (60% of the
 * sum of their peaks, raised to what every managed policy needs when that is more); triton-style cannot load
 * there, as Triton could not; (3) the Triton comparison: quilt and triton-style at a budget that holds every
 * model at its peak (100%); (4) the floor: quilt and model-level with no memory limit (stages 2-4 and the ratios
 * are `runComparison`, which the bench's scheduling section calls too); (5) result CSVs, each stage's written as
 * soon as it ends, so a run stopped part way (the GPU kit's time cap) keeps the stages it finished. The figures
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
  readonly ratios: ComparisonRatios;
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

/** Ratios of mean latency (null where a policy did not run or took no time). */
export interface ComparisonRatios {
  readonly quiltOverModelLevel: number | null;
  readonly quiltOverLayerLevel: number | null;
  /** At the fits budget (every model at its peak). */
  readonly quiltOverTritonStyle: number | null;
  /** Quilt at the main budget over quilt with no limit (the floor is 1). */
  readonly quiltOverUnlimited: number | null;
  /** Both with no memory limit: what cutting alone costs. */
  readonly quiltOverModelLevelUnlimited: number | null;
}

/** The paper's comparison's runs and ratios (stages 2-4). */
export interface Comparison {
  readonly main: ExperimentResult;
  readonly fits: ExperimentResult;
  readonly unlimited: ExperimentResult;
  readonly ratios: ComparisonRatios;
  readonly notes: string[];
}

export interface ComparisonOptions {
  readonly backend: Backend;
  /** Opened with the backend's runtime memory model. */
  readonly workspace: Workspace;
  /** Budget of the main run; default: 60% of the sum of peaks, or the least every managed policy needs. */
  readonly budget?: string | number;
  readonly warm?: boolean;
  /** Prefetch for every policy (schedule/prefetch.ts); default off. */
  readonly prefetch?: boolean;
  readonly onProgress?: (stage: string, progress: RunProgress) => void;
  /** Told each stage's result as soon as the stage ends (reproduce saves its CSVs there). */
  readonly onStageDone?: (stage: string, result: ExperimentResult) => void;
}

function summaryOf(result: ExperimentResult, policy: string): SummaryRow | undefined {
  return result.summaries.find((s) => s.policy === policy);
}

/** Mean latency of `a` over `b`'s; null where either did not run or `b` took no time. */
export function meanRatio(a: SummaryRow | undefined, b: SummaryRow | undefined): number | null {
  return a && b && b.meanLatencyMs > 0 ? a.meanLatencyMs / b.meanLatencyMs : null;
}

/** One stage's run of `policies` at `budget`. */
async function runStage(options: ComparisonOptions, stage: string, policies: readonly string[], budget: string | number): Promise<ExperimentResult> {
  const result = await runWorkload({
    workspace: options.workspace, backend: options.backend, policies, budget, warm: options.warm, prefetch: options.prefetch,
    onProgress: (p) => options.onProgress?.(stage, p),
  });
  options.onStageDone?.(stage, result);
  return result;
}

/** Stages 2-4: the main run, the Triton comparison and the floor, and the ratios of their mean latencies. */
export async function runComparison(options: ComparisonOptions): Promise<Comparison> {
  const { workspace } = options;
  const notes: string[] = [];
  const run = (stage: string, policies: readonly string[], budget: string | number) => runStage(options, stage, policies, budget);
  const mainPolicies = [...POLICY_NAMES];
  let budget: string | number = options.budget ?? '60%peak';
  const needed = workspace.neededBudgetBytes(mainPolicies);
  if (options.budget === undefined && workspace.budgetBytes(budget) < needed) {
    notes.push(`60% of the sum of the models' peaks is below what one policy needs; the budget was raised to ${needed} bytes`);
    budget = needed;
  }
  const main = await run('main', mainPolicies, budget);
  const sumOfPeaks = workspace.sumOfPeaksBytes;
  if (main.budgetBytes >= sumOfPeaks) notes.push('the main budget holds every model at its peak: this is not a memory-constrained run');
  const fits = await run('fits', ['quilt', 'triton-style'], Math.max(workspace.budgetBytes('100%'), main.budgetBytes));
  const unlimited = await run('unlimited', ['quilt', 'model-level'], UNLIMITED_BUDGET);
  const quilt = summaryOf(main, 'quilt');
  const ratios: ComparisonRatios = {
    quiltOverModelLevel: meanRatio(quilt, summaryOf(main, 'model-level')),
    quiltOverLayerLevel: meanRatio(quilt, summaryOf(main, 'layer-level')),
    quiltOverTritonStyle: meanRatio(summaryOf(fits, 'quilt'), summaryOf(fits, 'triton-style')),
    quiltOverUnlimited: meanRatio(quilt, summaryOf(unlimited, 'quilt')),
    quiltOverModelLevelUnlimited: meanRatio(summaryOf(unlimited, 'quilt'), summaryOf(unlimited, 'model-level')),
  };
  for (const s of main.summaries) {
    if (isManagedPolicy(s.policy) && s.oom > 0) notes.push(`managed policy ${s.policy} had out-of-memory failures: this is a bug`);
  }
  return { main, fits, unlimited, ratios, notes };
}

export async function reproduce(options: ReproduceOptions): Promise<ReproduceOutcome> {
  const runtime = await options.backend.runtimeMemory?.();
  const workspace = await Workspace.open(options.workload, { runtime });
  const spec = workspace.spec;
  const files: string[] = [];
  const csvName: Record<string, string> = { main: options.prefix, fits: `${options.prefix}-fits`, unlimited: `${options.prefix}-unlimited` };
  const comparisonOptions: ComparisonOptions = {
    backend: options.backend, workspace, budget: options.budget, warm: options.warm, prefetch: options.prefetch, onProgress: options.onProgress,
    onStageDone: (stage, result) => {
      if (csvName[stage] !== undefined) files.push(...saveExperimentCsv(result, path.join(options.outDir, csvName[stage]), { stage }));
    },
  };
  const { main, fits, unlimited: floor, ratios, notes } = await runComparison(comparisonOptions);
  const sweep: SummaryRow[] = [];
  const sweepPolicies = ['quilt', 'model-level'];
  for (const budgetText of options.sweepBudgets ?? []) {
    if (workspace.budgetBytes(budgetText) < workspace.neededBudgetBytes(sweepPolicies)) {
      notes.push(`sweep: budget ${budgetText} is below what quilt or model-level needs; skipped`);
      continue;
    }
    sweep.push(...(await runStage(comparisonOptions, `sweep ${budgetText}`, sweepPolicies, budgetText)).summaries);
  }

  const policies = byPolicy(main);
  const fitsPolicies = byPolicy(fits);
  const floorNumbers = numbers(summaryOf(floor, 'quilt')!);

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
