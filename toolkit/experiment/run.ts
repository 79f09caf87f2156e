/**
 * Running a workload: its models opened, partitioned at each policy's granularity, deployed on a backend,
 * and its requests scheduled under each policy in turn, on real executions. The CLI (`quilt run`,
 * `quilt reproduce`), the notebooks and the bench all call `runWorkload`.
 *
 * Stages: (1) open the mix's models (cached per process, so a notebook's budget sweep opens each once);
 * (2) the budget: bytes, a size with a unit, or a share of the sum of the models' peaks ('60%');
 * (3) per policy: plans at its granularity (quilt at the threshold, default 50% of each model's peak, raised
 * to the smallest feasible one when a model cannot be cut that fine; plans are cached), task models built,
 * sessions deployed, the schedule run on a real clock, sessions released; (4) rows, timeline and summaries.
 */
import { analyzeMemory } from '../memory/profile';
import { fileOrder } from '../graph/order';
import { Backend, TensorHandle } from '../runtime/backend';
import { openBackend, defaultConcurrency } from '../runtime/ort-backend';
import { randomFeeds } from '../runtime/feeds';
import { Granularity, PartitionPlan } from '../partition/plan';
import { propose } from '../partition/propose';
import { parseThreshold } from '../partition/threshold';
import { createPolicy, POLICY_NAMES } from '../schedule/policies';
import { RealClock } from '../schedule/clock';
import { runSchedule, ScheduledRequest } from '../schedule/scheduler';
import { Deployment } from '../schedule/deployment';
import { generateWorkload, loadWorkloadSpec, MixEntry, WorkloadSpec } from '../workload';
import { ZOO_MODELS } from '../zoo';
import { QuiltError, oneLine } from '../errors';
import { formatBytes, parseBytes } from '../units';
import { OpenedModel, openModel } from './model-source';
import { deployPlan, LiveDeployment } from './deploy';
import { RequestRow, SummaryRow, TimelineRow } from './schema';

export const DEFAULT_THRESHOLD = '50%';

export interface RunProgress {
  readonly policy: string;
  readonly done: number;
  readonly total: number;
}

export interface WorkloadRunOptions {
  /** A workload file (datasets/workloads/*.json) or a parsed spec. */
  readonly workload: string | WorkloadSpec;
  /** Policies to run, in order (default: all five). */
  readonly policies?: readonly string[];
  /** Default: the cpu backend. */
  readonly backend?: Backend;
  /** Bytes, a size with a unit ('2GiB'), a share of the sum of the models' peaks ('60%'), or 'unlimited'. */
  readonly budget: number | string;
  /** Quilt's per-model threshold: bytes, a unit, or a share of each model's peak (default 50%). */
  readonly threshold?: number | string;
  /** Tasks at once (default: what the backend can run at once). */
  readonly concurrency?: number;
  /** Force the pool on or off (default: each policy's own). */
  readonly pool?: boolean;
  /** Override the spec's request count. */
  readonly requests?: number;
  readonly onProgress?: (progress: RunProgress) => void;
}

export interface ModelInfo {
  readonly name: string;
  readonly model: string;
  readonly peakBytes: number;
  readonly weightBytes: number;
  readonly opCount: number;
  /** The threshold quilt's plan was made at (raised to the smallest feasible one where needed), if quilt ran. */
  readonly quiltThresholdBytes?: number;
}

export interface ExperimentResult {
  readonly workload: WorkloadSpec;
  readonly backend: string;
  readonly device: string;
  readonly budgetBytes: number;
  readonly concurrency: number;
  readonly models: readonly ModelInfo[];
  readonly rows: RequestRow[];
  readonly timeline: TimelineRow[];
  readonly summaries: SummaryRow[];
  /** Policies that could not start (e.g. triton-style when the models do not fit), with the reason. */
  readonly notRun: readonly { policy: string; reason: string }[];
}

const opened = new Map<string, Promise<OpenedModel>>();

/** Opens a mix entry's model once per process. */
export function openMixModel(entry: MixEntry): Promise<OpenedModel> {
  const isZoo = ZOO_MODELS.some((m) => m.name === entry.model);
  const ref = isZoo ? `zoo:${entry.model}` : entry.model;
  const key = `${ref}|${entry.batch}|${entry.seq ?? ''}|${JSON.stringify(entry.inputValues ?? {})}`;
  let model = opened.get(key);
  if (model === undefined) {
    model = openModel(ref, { batch: entry.batch, seq: entry.seq, inputValues: entry.inputValues });
    model.catch(() => opened.delete(key));
    opened.set(key, model);
  }
  return model;
}

export const UNLIMITED_BUDGET = Number.MAX_SAFE_INTEGER;

/** A budget in bytes: '60%' is a share of `sumOfPeaks`; 'unlimited' is no limit. */
export function parseBudget(budget: number | string, sumOfPeaks: number): number {
  if (typeof budget === 'string' && /^\s*(unlimited|none|inf(inity)?)\s*$/i.test(budget)) return UNLIMITED_BUDGET;
  if (typeof budget === 'string' && budget.trim().endsWith('%')) {
    const share = Number(budget.trim().slice(0, -1));
    if (!Number.isFinite(share) || share <= 0) throw new QuiltError(`--budget: '${budget}' is not a positive percentage`);
    return Math.floor((sumOfPeaks * share) / 100);
  }
  return parseBytes(budget, '--budget');
}

/** Plans, made once per (model, granularity, threshold) and reused across runs (they hold no weight bytes). */
const plans = new Map<string, PartitionPlan>();

function planFor(model: OpenedModel, granularity: Granularity, threshold: number | string): PartitionPlan {
  const key = `${model.file}|${granularity}|${granularity === 'quilt' ? threshold : ''}`;
  let plan = plans.get(key);
  if (plan === undefined) {
    const order = fileOrder(model.graph);
    if (granularity === 'quilt') {
      const peak = analyzeMemory(model.graph, order).peakBytes;
      const bytes = parseThreshold(threshold, peak);
      const smallest = propose(model.graph, order, { granularity: 'model' }).minFeasibleThreshold;
      plan = propose(model.graph, order, { granularity, threshold: Math.max(bytes, smallest) });
    } else {
      plan = propose(model.graph, order, { granularity });
    }
    plans.set(key, plan);
  }
  return plan;
}

export function loadWorkload(workload: string | WorkloadSpec): WorkloadSpec {
  return typeof workload === 'string' ? loadWorkloadSpec(workload) : workload;
}

export async function runWorkload(options: WorkloadRunOptions): Promise<ExperimentResult> {
  const spec0 = loadWorkload(options.workload);
  const spec: WorkloadSpec = options.requests === undefined ? spec0 : { ...spec0, requests: options.requests };
  const policies = options.policies ?? POLICY_NAMES;
  policies.forEach((p) => createPolicy(p));
  const ownBackend = options.backend === undefined;
  const backend = options.backend ?? await openBackend('cpu');
  try {
    return await runOn(backend, options, spec, policies);
  } finally {
    // A backend this call opened is closed here (its worker lanes hold every loaded session's weights).
    if (ownBackend) await backend.close?.();
  }
}

async function runOn(backend: Backend, options: WorkloadRunOptions, spec: WorkloadSpec, policies: readonly string[]): Promise<ExperimentResult> {
  const concurrency = options.concurrency ?? defaultConcurrency(backend);
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;

  const models = new Map<string, OpenedModel>();
  const infos: ModelInfo[] = [];
  for (const entry of spec.models) {
    const model = await openMixModel(entry);
    models.set(entry.name, model);
    const profile = analyzeMemory(model.graph, fileOrder(model.graph));
    infos.push({ name: entry.name, model: entry.model, peakBytes: profile.peakBytes, weightBytes: profile.weightBytes, opCount: model.graph.nodes.length });
  }
  const budgetBytes = parseBudget(options.budget, infos.reduce((s, m) => s + m.peakBytes, 0));

  const workload = generateWorkload(spec);
  // Every request's inputs are made before any policy runs: made on demand, the first policy to run would pay
  // for generating them inside its measured latency and the others would not.
  const requests: ScheduledRequest[] = workload.requests.map((r) => {
    const model = models.get(r.model)!;
    const feeds = randomFeeds(model.graph, spec.seed * 100003 + r.id, model.inputValues);
    return { id: r.id, model: r.model, arrivalMs: r.arrivalMs, makeInputs: () => feeds };
  });

  // Every policy's plans first, so a budget too small for any of them is an error before anything runs.
  const plansByPolicy = new Map<string, Map<string, PartitionPlan>>();
  let worst: { need: number; policy: string; model: string; pool: boolean } | undefined;
  const quiltThresholds = new Map<string, number>();
  for (const name of policies) {
    const policy = createPolicy(name);
    const pool = options.pool ?? policy.defaultPool;
    const byModel = new Map<string, PartitionPlan>();
    for (const [entryName, model] of models) {
      const plan = planFor(model, policy.granularity, threshold);
      byModel.set(entryName, plan);
      const usesPool = pool && plan.tasks.length > 1;
      const need = Math.max(...plan.tasks.map((t) => t.demandBytes)) + (usesPool ? plan.pool.poolBytes : 0);
      // triton-style is left out: its models not fitting is its failed load, recorded as a result below.
      if (name !== 'triton-style' && need > (worst?.need ?? 0)) worst = { need, policy: name, model: entryName, pool: usesPool };
      if (policy.granularity === 'quilt') quiltThresholds.set(entryName, plan.thresholdBytes);
    }
    plansByPolicy.set(name, byModel);
  }
  if (worst !== undefined && worst.need > budgetBytes) {
    throw new QuiltError(`budget ${formatBytes(budgetBytes)} is too small: policy '${worst.policy}' needs ${formatBytes(worst.need)}`
      + ` for model '${worst.model}' (its largest task${worst.pool ? ' and its pool' : ''}); give at least --budget ${worst.need}`);
  }

  const rows: RequestRow[] = [];
  const timeline: TimelineRow[] = [];
  const summaries: SummaryRow[] = [];
  const notRun: { policy: string; reason: string }[] = [];
  for (const name of policies) {
    const policy = createPolicy(name);
    const pool = options.pool ?? policy.defaultPool;
    const live: LiveDeployment[] = [];
    try {
      const deployments = new Map<string, Deployment>();
      for (const [entryName, model] of models) {
        // Task models are built per run and dropped after it: kept, they would hold every model's weights again.
        const plan = plansByPolicy.get(name)!.get(entryName)!;
        const deployed = await deployPlan(plan, backend, { name: entryName, pool, warmUpCopies: concurrency });
        live.push(deployed);
        deployments.set(entryName, deployed.deployment);
      }
      let done = 0;
      options.onProgress?.({ policy: name, done, total: requests.length });
      const result = await runSchedule({
        requests, deployments, backend, clock: new RealClock(), policy, budgetBytes, concurrency, pool,
        closedLoop: workload.closedLoop,
        onRequestEnd: () => options.onProgress?.({ policy: name, done: ++done, total: requests.length }),
      });
      rows.push(...result.rows);
      timeline.push(...result.timeline);
      summaries.push(result.summary);
    } catch (error) {
      // A policy that cannot start (triton-style's models do not fit) is a result, not a crash of the run.
      if (!(error instanceof QuiltError) || !/failed to load/.test(error.message)) throw error;
      notRun.push({ policy: name, reason: oneLine(error).replace(`${name}: `, '') });
    } finally {
      for (const d of live) await d.dispose();
    }
  }
  const modelInfos = infos.map((m) => ({ ...m, quiltThresholdBytes: quiltThresholds.get(m.name) }));
  return {
    workload: spec, backend: backend.name, device: backend.device, budgetBytes, concurrency, models: modelInfos,
    rows, timeline, summaries, notRun,
  };
}
