/**
 * The regime map (`quilt sweep`): every combination of budget x host memory x prefetch x threshold x seed x
 * policy on one workload and one backend kind, with where each request's time went (schedule/request-waits.ts),
 * so a ratio can be traced to upload waits, memory waits or compute.
 *
 * Stages:
 *  1. One workspace (models, profiles, plans made once for every run).
 *  2. Per host-memory kind, a backend from the caller's `openBackend` (the host memory a backend copies from is a
 *     property of the backend it opens; the caller says which kinds it supports). Per budget, prefetch and seed:
 *     every policy once; quilt once per threshold (the threshold changes no other policy's plans, so their rows
 *     carry threshold ''). A policy whose need exceeds the budget (BudgetTooSmallError) or that cannot start
 *     (PolicyCannotStartError) is a `cannot` row, not a crash.
 *  3. Rows: per run, the summary's latency and memory, the OOM count, and the means over its requests of the
 *     weight bytes uploaded and of the upload waits, memory waits and compute. Summary: per (budget, host memory,
 *     prefetch, threshold), each policy's mean and p95 latency over model-level's at the same seed, as the mean,
 *     min and max over seeds (`ratioSummary`).
 * Runs go one after another here: a backend (SimBackend.startRun) holds one run at a time; regime-sweep-parallel.ts
 * spreads the seeds of a simulated sweep over worker threads, each with its own workspace and backends.
 */
import { BudgetTooSmallError, PolicyCannotStartError } from '../core/memory-errors';
import { Backend } from '../runtime/backend';
import { createPolicy } from '../schedule/policies';
import { RequestWaits } from '../schedule/request-waits';
import { WorkloadSpec } from '../workload';
import { ExperimentResult, runWorkload } from './run';
import { CannotRunRow } from './sweeps';
import { DEFAULT_THRESHOLD, Workspace } from './workspace';

export const BASELINE_POLICY = 'model-level';

export interface RegimeSweepOptions {
  readonly workload: string | WorkloadSpec;
  /** Opens the backend for a host-memory kind (throws a QuiltError for a kind it does not support). */
  readonly openBackend: (hostMemory: string) => Promise<Backend>;
  readonly policies: readonly string[];
  readonly budgets: readonly string[];
  readonly hostMemory: readonly string[];
  readonly prefetch: readonly boolean[];
  /** Quilt's thresholds ('50%', bytes, 'auto'). */
  readonly thresholds: readonly string[];
  readonly seeds: readonly number[];
  readonly warm?: boolean;
  /** Called after each run (or cannot-run), with the count done and the total. */
  readonly onStep?: (done: number, total: number, label: string) => void;
}

export interface RegimeRow {
  budget: string;
  budgetBytes: number;
  hostMemory: string;
  prefetch: string;
  /** Quilt's threshold as asked ('auto', '50%'); '' for the other policies. */
  threshold: string;
  seed: number;
  policy: string;
  meanLatencyMs: number;
  p95LatencyMs: number;
  peakResidentBytes: number;
  oom: number;
  /** Mean weight bytes uploaded per request (misses and prefetches). */
  uploadBytes: number;
  /** Means per request (schedule/request-waits.ts). */
  uploadWaitMs: number;
  memoryWaitMs: number;
  computeMs: number;
}

export interface RatioSummaryRow {
  budget: string;
  budgetBytes: number;
  hostMemory: string;
  prefetch: string;
  threshold: string;
  policy: string;
  baseline: string;
  /** Seeds with both runs. */
  seeds: number;
  meanRatio: number;
  meanRatioMin: number;
  meanRatioMax: number;
  p95Ratio: number;
  p95RatioMin: number;
  p95RatioMax: number;
}

export interface RegimeSweepResult {
  readonly rows: RegimeRow[];
  readonly summary: RatioSummaryRow[];
  readonly cannot: (CannotRunRow & { hostMemory: string; prefetch: string; threshold: string; seed: number })[];
  readonly backend: string;
  /** The device profile, when the backend is simulated. */
  readonly simulated?: { readonly profile: string };
  /** The device of each host-memory kind's backend. */
  readonly devices: Record<string, string>;
  readonly workload: WorkloadSpec;
  readonly warm: boolean;
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The means over a run's requests of what request-waits.ts records. */
export function meanWaits(waits: readonly RequestWaits[]): Pick<RegimeRow, 'uploadBytes' | 'uploadWaitMs' | 'memoryWaitMs' | 'computeMs'> {
  return {
    uploadBytes: mean(waits.map((w) => w.uploadBytes)),
    uploadWaitMs: mean(waits.map((w) => w.uploadWaitMs)),
    memoryWaitMs: mean(waits.map((w) => w.memoryWaitMs)),
    computeMs: mean(waits.map((w) => w.computeMs)),
  };
}

/** Runs in the grid: per budget, kind, prefetch and seed, each non-quilt policy once and quilt per threshold. */
export function runsPerCell(policies: readonly string[], thresholds: readonly string[]): number {
  return policies.reduce((n, p) => n + (createPolicy(p).granularity === 'quilt' ? thresholds.length : 1), 0);
}

export async function regimeSweep(options: RegimeSweepOptions): Promise<RegimeSweepResult> {
  const thresholds = options.thresholds.length > 0 ? options.thresholds : [DEFAULT_THRESHOLD];
  const policies = options.policies.map((p) => createPolicy(p));
  const ws = await Workspace.open(options.workload);
  const total = options.budgets.length * options.hostMemory.length * options.prefetch.length * options.seeds.length
    * runsPerCell(options.policies, thresholds);
  const rows: RegimeRow[] = [];
  const cannot: RegimeSweepResult['cannot'][number][] = [];
  const devices: Record<string, string> = {};
  let backendName = '';
  let simulated: RegimeSweepResult['simulated'];
  let done = 0;
  for (const hostMemory of options.hostMemory) {
    const backend = await options.openBackend(hostMemory);
    devices[hostMemory] = backend.device;
    backendName = backend.name;
    simulated = backend.simulated;
    try {
      for (const budget of options.budgets) {
        const budgetBytes = ws.budgetBytes(budget);
        for (const prefetch of options.prefetch) {
          for (const seed of options.seeds) {
            for (const policy of policies) {
              for (const threshold of policy.granularity === 'quilt' ? thresholds : ['']) {
                const cell = { budget, budgetBytes, hostMemory, prefetch: prefetch ? 'on' : 'off', threshold, seed, policy: policy.name };
                try {
                  const r = await runWorkload({
                    workspace: ws, backend, budget: budgetBytes, policies: [policy.name], seed, prefetch, warm: options.warm,
                    threshold: threshold === '' ? undefined : threshold,
                  });
                  const notRun = r.notRun[0];
                  if (notRun !== undefined) cannot.push({ ...cell, neededBytes: notRun.neededBytes, why: notRun.reason });
                  else rows.push(regimeRow(cell, r));
                } catch (error) {
                  if (!(error instanceof BudgetTooSmallError) && !(error instanceof PolicyCannotStartError)) throw error;
                  cannot.push({ ...cell, neededBytes: error.neededBytes, why: 'its largest task (and pool) does not fit' });
                }
                options.onStep?.(++done, total, `${budget} ${hostMemory} prefetch ${cell.prefetch} seed ${seed} ${policy.name}${threshold ? ` @${threshold}` : ''}`);
              }
            }
          }
        }
      }
    } finally {
      await backend.close?.();
    }
  }
  return { rows, summary: ratioSummary(rows), cannot, backend: backendName, simulated, devices, workload: ws.spec, warm: options.warm === true };
}

function regimeRow(cell: Omit<RegimeRow, 'meanLatencyMs' | 'p95LatencyMs' | 'peakResidentBytes' | 'oom' | 'uploadBytes' | 'uploadWaitMs' | 'memoryWaitMs' | 'computeMs'>, r: ExperimentResult): RegimeRow {
  const s = r.summaries[0];
  return {
    ...cell, meanLatencyMs: s.meanLatencyMs, p95LatencyMs: s.p95LatencyMs, peakResidentBytes: s.peakResidentBytes, oom: s.oom,
    ...meanWaits(r.waits ?? []),
  };
}

/**
 * Each policy's latency over the baseline's (model-level) at the same budget, host memory, prefetch and seed, per
 * (budget, host memory, prefetch, threshold): mean, min and max over the seeds where both ran.
 */
export function ratioSummary(rows: readonly RegimeRow[], baseline = BASELINE_POLICY): RatioSummaryRow[] {
  const key = (r: RegimeRow) => `${r.budget}|${r.hostMemory}|${r.prefetch}|${r.seed}`;
  const base = new Map(rows.filter((r) => r.policy === baseline).map((r) => [key(r), r]));
  const groups = new Map<string, { first: RegimeRow; mean: number[]; p95: number[] }>();
  for (const r of rows) {
    if (r.policy === baseline) continue;
    const b = base.get(key(r));
    if (b === undefined) continue;
    const g = `${r.budget}|${r.hostMemory}|${r.prefetch}|${r.threshold}|${r.policy}`;
    const group = groups.get(g) ?? { first: r, mean: [], p95: [] };
    group.mean.push(r.meanLatencyMs / b.meanLatencyMs);
    group.p95.push(r.p95LatencyMs / b.p95LatencyMs);
    groups.set(g, group);
  }
  return [...groups.values()].map(({ first, mean: m, p95 }) => ({
    budget: first.budget, budgetBytes: first.budgetBytes, hostMemory: first.hostMemory, prefetch: first.prefetch,
    threshold: first.threshold, policy: first.policy, baseline, seeds: m.length,
    meanRatio: mean(m), meanRatioMin: Math.min(...m), meanRatioMax: Math.max(...m),
    p95Ratio: mean(p95), p95RatioMin: Math.min(...p95), p95RatioMax: Math.max(...p95),
  }));
}
