/**
 * Running a workload, in two stages. The CLI (`quilt run`, `quilt reproduce`), the notebooks and the bench all
 * call `runWorkload`.
 *
 * Plan stage (workspace.ts, owned by the caller and reusable across runs): the mix's models opened and
 * profiled, each policy's plans made (quilt at the threshold, default 50% of each model's peak, clamped to the
 * smallest feasible one). Before anything runs, the budget is checked against every policy's need
 * (budget.ts's rule; BudgetTooSmallError), so a budget too small for one policy fails before the others run.
 *
 * Run stage, per policy: task models built (or reused), sessions deployed, the schedule run on a real clock,
 * sessions released; a policy that cannot start (PolicyCannotStartError: triton-style's models do not fit) is
 * a result in `notRun`, not a crash. Every request's inputs are made before any policy runs: made on demand,
 * the first policy would pay for them inside its measured latency and the others would not.
 */
import { PolicyCannotStartError } from '../core/memory-errors';
import { RequestRow, SummaryRow, TimelineRow } from '../core/rows';
import { Backend } from '../runtime/backend';
import { openBackend } from '../sim/open';
import { randomFeeds } from '../runtime/feeds';
import { checkBudget, UNLIMITED_BUDGET } from '../schedule/budget';
import { RealClock } from '../core/clock';
import { Deployment } from '../schedule/deployment';
import { createPolicy, POLICY_NAMES } from '../schedule/policies';
import { runSchedule, ScheduledRequest } from '../schedule/scheduler';
import { generateWorkload, WorkloadSpec } from '../workload';
import { deployPlan, LiveDeployment } from './deploy';
import { measuredPart, withWarmUp } from './warm-up';
import { DEFAULT_THRESHOLD, ModelInfo, Thresholds, Workspace, loadWorkload } from './workspace';
import { RequestWaits } from '../schedule/request-waits';

export { DEFAULT_THRESHOLD, ModelInfo, Workspace, loadWorkload } from './workspace';

/** `--threshold auto`: each model's threshold from the budget and the concurrency (auto-threshold.ts). */
export const AUTO_THRESHOLD = 'auto';
export { parseBudget, UNLIMITED_BUDGET } from '../schedule/budget';

export interface RunProgress {
  readonly policy: string;
  readonly done: number;
  readonly total: number;
}

export interface WorkloadRunOptions {
  /** A workload file (datasets/workloads/*.json) or a parsed spec; ignored when `workspace` is given. */
  readonly workload?: string | WorkloadSpec;
  /** The plan stage, opened by the caller (`Workspace.open`) and reused across runs; default: one for this run. */
  readonly workspace?: Workspace;
  /** Policies to run, in order (default: all five). */
  readonly policies?: readonly string[];
  /** Default: the cpu backend. */
  readonly backend?: Backend;
  /** Bytes, a size with a unit ('2GiB'), a share of the sum of the models' peaks ('60%'), or 'unlimited'. */
  readonly budget: number | string;
  /** Quilt's per-model threshold: bytes, a unit, a share of each model's peak (default 50%), or 'auto'. */
  readonly threshold?: number | string;
  /** Tasks at once (default: the backend's `concurrency`). */
  readonly concurrency?: number;
  /** Force the pool on or off (default: each policy's own). */
  readonly pool?: boolean;
  /** Override the spec's request count. */
  readonly requests?: number;
  /** Override the spec's seed (arrivals, model draws and inputs). */
  readonly seed?: number;
  /**
   * A warm start for every policy (warm-up.ts): the requests are served once unmeasured, then measured; default
   * false (a cold start: every policy pays its first weight uploads inside measured latency).
   */
  readonly warm?: boolean;
  /** Prefetch the next task's weights while a request's task computes (schedule/prefetch.ts); default false. */
  readonly prefetch?: boolean;
  readonly onProgress?: (progress: RunProgress) => void;
}

export interface RunModelInfo extends ModelInfo {
  /** The threshold quilt's plan was made at (raised to the smallest feasible one where needed), if quilt ran. */
  readonly quiltThresholdBytes?: number;
}

export interface ExperimentResult {
  readonly workload: WorkloadSpec;
  readonly backend: string;
  /** The device profile, when the backend was simulated. */
  readonly simulated?: { readonly profile: string };
  readonly device: string;
  readonly budgetBytes: number;
  /** What a budget's '100%' is: the sum of the models' demands with the backend's runtime terms (Workspace.sumOfDemandsBytes). */
  readonly sumOfDemandsBytes?: number;
  /** The budget as a percentage of `sumOfDemandsBytes` (null when unlimited). */
  readonly budgetPercent?: number | null;
  readonly concurrency: number;
  readonly models: readonly RunModelInfo[];
  readonly rows: RequestRow[];
  readonly timeline: TimelineRow[];
  readonly summaries: SummaryRow[];
  /** Policies that could not start (e.g. triton-style when the models do not fit), with the reason and bytes. */
  readonly notRun: readonly NotRun[];
  /** Whether the run had a warm start (warm-up.ts); absent or false: cold. */
  readonly warm?: boolean;
  /** Whether prefetch was on; absent or false: off. */
  readonly prefetch?: boolean;
  /** The threshold asked for ('auto', a share, bytes); each model's resolved one is in `models`. */
  readonly threshold?: string;
  /** Where each request's time went (schedule/request-waits.ts), with its policy. */
  readonly waits?: (RequestWaits & { policy: string })[];
}

export interface NotRun {
  readonly policy: string;
  readonly reason: string;
  readonly model: string;
  readonly neededBytes: number;
  readonly freeBytes: number;
}

export async function runWorkload(options: WorkloadRunOptions): Promise<ExperimentResult> {
  const policies = options.policies ?? POLICY_NAMES;
  policies.forEach((p) => createPolicy(p));
  if (options.workspace === undefined && options.workload === undefined) {
    throw new Error('runWorkload: give a workload or a workspace');
  }
  const ownBackend = options.backend === undefined;
  const backend = options.backend ?? await openBackend('cpu');
  try {
    const workspace = options.workspace ?? await Workspace.open(options.workload!);
    return await runStage(workspace, backend, options, policies);
  } finally {
    // A backend this call opened is closed here (its worker lanes hold every loaded session's weights).
    if (ownBackend) await backend.close?.();
  }
}

async function runStage(ws: Workspace, backend: Backend, options: WorkloadRunOptions, policies: readonly string[]): Promise<ExperimentResult> {
  const spec: WorkloadSpec = { ...ws.spec, ...(options.requests !== undefined ? { requests: options.requests } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}) };
  const concurrency = options.concurrency ?? backend.concurrency;
  // Every demand includes the backend's own runtime memory where it models one (Backend.runtimeMemory), so the budget
  // check, the thresholds, a budget's percentage and the ledger reserve what a session really uses (`quilt memory`);
  // a backend without one keeps the liveness definition.
  const runtime = await backend.runtimeMemory?.();
  const budgetBytes = ws.budgetBytes(options.budget, runtime);
  const sumOfDemandsBytes = ws.sumOfDemandsBytes(runtime);
  const threshold: Thresholds = options.threshold === AUTO_THRESHOLD
    ? ws.autoThresholds(budgetBytes, concurrency, runtime) : options.threshold ?? DEFAULT_THRESHOLD;
  for (const name of policies) checkBudget(ws.budgetNeed(name, { threshold, pool: options.pool, runtime }), budgetBytes, name);

  const workload = generateWorkload(spec);
  const requests: ScheduledRequest[] = workload.requests.map((r) => {
    const model = ws.opened.get(r.model)!;
    const feeds = randomFeeds(model.graph, backend, spec.seed * 100003 + r.id, model.inputValues);
    return { id: r.id, model: r.model, arrivalMs: r.arrivalMs, makeInputs: () => feeds };
  });

  const rows: RequestRow[] = [];
  const timeline: TimelineRow[] = [];
  const summaries: SummaryRow[] = [];
  const notRun: NotRun[] = [];
  const waits: (RequestWaits & { policy: string })[] = [];
  for (const name of policies) {
    const policy = createPolicy(name);
    const pool = options.pool ?? policy.defaultPool;
    const live: LiveDeployment[] = [];
    try {
      const deployments = new Map<string, Deployment>();
      for (const [entry, plan] of ws.plansAt(policy.granularity, threshold, runtime)) {
        const deployed = await deployPlan(plan, backend, { name: entry, pool, warmUpCopies: concurrency },
          backend.taskModels?.(plan) ?? ws.taskModels(plan));
        live.push(deployed);
        deployments.set(entry, deployed.deployment);
      }
      let done = 0;
      const scheduled = options.warm === true ? withWarmUp(requests) : requests;
      options.onProgress?.({ policy: name, done, total: scheduled.length });
      const whole = await runSchedule({
        requests: scheduled, deployments, backend, clock: backend.startRun?.() ?? new RealClock(), policy, budgetBytes, concurrency, pool,
        closedLoop: workload.closedLoop, prefetch: options.prefetch === true,
        onRequestEnd: () => options.onProgress?.({ policy: name, done: ++done, total: scheduled.length }),
      });
      const result = options.warm === true
        ? measuredPart(whole, requests.length, { policy: name, backend: backend.name, budgetBytes })
        : whole;
      rows.push(...result.rows);
      timeline.push(...result.timeline);
      summaries.push(result.summary);
      waits.push(...result.waits.map((w) => ({ ...w, policy: name })));
    } catch (error) {
      if (!(error instanceof PolicyCannotStartError)) throw error;
      notRun.push({ policy: name, reason: error.reason, model: error.model, neededBytes: error.neededBytes, freeBytes: error.freeBytes });
    } finally {
      for (const d of live) await d.dispose();
    }
  }
  const quiltRan = policies.some((p) => createPolicy(p).granularity === 'quilt');
  const quiltPlans = quiltRan ? ws.plansAt('quilt', threshold, runtime) : undefined;
  const models = ws.models.map((m): RunModelInfo => (quiltPlans
    ? { ...m, quiltThresholdBytes: quiltPlans.get(m.name)!.thresholdBytes } : m));
  return {
    workload: spec, backend: backend.name, simulated: backend.simulated, device: backend.device, budgetBytes, concurrency, models,
    sumOfDemandsBytes, budgetPercent: budgetBytes >= UNLIMITED_BUDGET ? null : (100 * budgetBytes) / sumOfDemandsBytes,
    rows, timeline, summaries, notRun, warm: options.warm === true, prefetch: options.prefetch === true,
    threshold: String(options.threshold ?? DEFAULT_THRESHOLD), waits,
  };
}
