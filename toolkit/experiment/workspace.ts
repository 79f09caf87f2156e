/**
 * The plan stage of running a workload: a Workspace the caller owns. It opens the workload's models once,
 * computes each model's memory profile once, and makes each (model, granularity, threshold) plan once (quilt
 * thresholds clamped to the smallest feasible one by `propose`), so a sweep of budgets or policies over one
 * workload reuses them. Built task models are kept per plan only when asked (`keepTaskModels`): they hold a
 * copy of every model's weights per granularity. Nothing here is cached at module level: drop the workspace
 * and its models go with it.
 *
 * It also answers the budget questions of budget.ts for the workload: the budget a share names ('60%' of the
 * sum of the models' demands with the backend's runtime terms, each the `modelDemandBytes` its percentage
 * thresholds are shares of; '60%peak' of the sum of their liveness peaks) and the least budget a set of
 * policies needs (`neededBudgetBytes`).
 */
import { fileOrder } from '../graph/order';
import { analyzeMemory } from '../memory/profile';
import { build, OnnxTaskModel } from '../partition/build';
import { Granularity, PartitionPlan } from '../partition/plan';
import { propose } from '../partition/propose';
import { RuntimeMemoryModel } from '../memory/runtime-memory';
import { BudgetNeed, budgetNeed, parseBudget } from '../schedule/budget';
import { createPolicy } from '../schedule/policies';
import { loadWorkloadSpec, MixEntry, WorkloadSpec } from '../workload';
import { OpenedModel, openModel } from './model-source';
import { autoThresholdBytes } from './auto-threshold';

export const DEFAULT_THRESHOLD = '50%';

/** Quilt's threshold: one for every model (bytes, a unit, a share of each model's peak), or one per mix entry. */
export type Thresholds = number | string | ReadonlyMap<string, number | string>;

export interface ModelInfo {
  /** The mix entry's name (what requests use). */
  readonly name: string;
  readonly model: string;
  readonly peakBytes: number;
  readonly weightBytes: number;
  readonly opCount: number;
}

export interface WorkspaceOptions {
  /** Keep each plan's built task models for later runs (default false: built per run and dropped). */
  readonly keepTaskModels?: boolean;
  /**
   * The runtime's own memory in plans' demands (memory/runtime-memory.ts) when a call names none; `runWorkload` names
   * its backend's (`Backend.runtimeMemory`) in every call. Default: liveness only.
   */
  readonly runtime?: RuntimeMemoryModel;
}

export interface PlanNeedOptions {
  readonly threshold?: Thresholds;
  readonly pool?: boolean;
  /** The runtime's own memory in the demands (the backend's `runtimeMemory`); default: the workspace's option. */
  readonly runtime?: RuntimeMemoryModel;
}

export function loadWorkload(workload: string | WorkloadSpec): WorkloadSpec {
  return typeof workload === 'string' ? loadWorkloadSpec(workload) : workload;
}

/** Opens a mix entry's model (a zoo name or an .onnx path, zoo/model-ref.ts). */
export function openMixModel(entry: MixEntry): Promise<OpenedModel> {
  return openModel(entry.model, { batch: entry.batch, seq: entry.seq, inputValues: entry.inputValues });
}

export class Workspace {
  private readonly plans = new Map<string, PartitionPlan>();
  private readonly built = new Map<PartitionPlan, OnnxTaskModel[]>();

  private constructor(
    readonly spec: WorkloadSpec,
    /** Opened models by mix entry name. */
    readonly opened: ReadonlyMap<string, OpenedModel>,
    readonly models: readonly ModelInfo[],
    private readonly options: WorkspaceOptions,
  ) {}

  /** Opens the workload's models and profiles them. */
  static async open(workload: string | WorkloadSpec, options: WorkspaceOptions = {}): Promise<Workspace> {
    const spec = loadWorkload(workload);
    const opened = new Map<string, OpenedModel>();
    const infos: ModelInfo[] = [];
    for (const entry of spec.models) {
      const model = await openMixModel(entry);
      opened.set(entry.name, model);
      const profile = analyzeMemory(model.graph, fileOrder(model.graph));
      infos.push({ name: entry.name, model: entry.model, peakBytes: profile.peakBytes, weightBytes: profile.weightBytes, opCount: model.graph.nodes.length });
    }
    return new Workspace(spec, opened, infos, options);
  }

  get sumOfPeaksBytes(): number {
    return this.models.reduce((s, m) => s + m.peakBytes, 0);
  }

  /** The sum of the models' demands under `runtime` (each model's `modelDemandBytes`): what a budget's '100%' is. */
  sumOfDemandsBytes(runtime = this.options.runtime): number {
    return this.models.reduce((s, m) => s + this.plan(m.name, 'model', undefined, runtime).modelDemandBytes, 0);
  }

  /**
   * A budget in bytes: bytes, a size with a unit, a share of the sum of the models' demands under `runtime` ('60%'),
   * a share of the sum of their liveness peaks ('60%peak'), or 'unlimited'.
   */
  budgetBytes(budget: number | string, runtime = this.options.runtime): number {
    return parseBudget(budget, { demandBytes: this.sumOfDemandsBytes(runtime), peakBytes: this.sumOfPeaksBytes });
  }

  /**
   * The plan of one mix entry at a granularity (quilt: at the threshold, clamped to the smallest feasible one), its
   * demands with `runtime`'s terms (a backend's `runtimeMemory`; default: the workspace's option, else liveness only).
   */
  plan(entry: string, granularity: Granularity, threshold: number | string = DEFAULT_THRESHOLD, runtime = this.options.runtime): PartitionPlan {
    const key = `${entry}|${granularity}|${granularity === 'quilt' ? threshold : ''}|${runtime?.name ?? ''}|${runtime?.sessionBytes ?? 0}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      const model = this.opened.get(entry);
      if (model === undefined) throw new Error(`workspace: no model '${entry}' in workload '${this.spec.name}'`);
      plan = propose(model.graph, fileOrder(model.graph), granularity === 'quilt'
        ? { granularity, threshold, clamp: true, runtime }
        : { granularity, runtime });
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** Every entry's plan at the granularity, by entry name. */
  plansAt(granularity: Granularity, threshold: Thresholds = DEFAULT_THRESHOLD, runtime = this.options.runtime): Map<string, PartitionPlan> {
    const of = (entry: string) => (typeof threshold === 'object' ? threshold.get(entry) ?? DEFAULT_THRESHOLD : threshold);
    return new Map(this.models.map((m) => [m.name, this.plan(m.name, granularity, of(m.name), runtime)]));
  }

  /** `--threshold auto` (auto-threshold.ts's rule): each entry's threshold in bytes for a budget and a concurrency. */
  autoThresholds(budgetBytes: number, concurrency: number, runtime = this.options.runtime): Map<string, number> {
    return new Map(this.models.map((m) => [m.name, autoThresholdBytes({
      budgetBytes, concurrency,
      wholeDemandBytes: this.plan(m.name, 'model', undefined, runtime).tasks[0].demandBytes,
      planAt: (t) => this.plan(m.name, 'quilt', t, runtime),
    })]));
  }

  /** The task models of a plan: built now, or kept from an earlier run when the workspace keeps them. */
  taskModels(plan: PartitionPlan): OnnxTaskModel[] {
    const kept = this.built.get(plan);
    if (kept !== undefined) return kept;
    const models = build(plan);
    if (this.options.keepTaskModels === true) this.built.set(plan, models);
    return models;
  }

  /**
   * What one policy needs of the budget (budget.ts's rule over its plans); undefined for a policy whose start
   * decides whether the models fit (triton-style).
   */
  budgetNeed(policyName: string, options: PlanNeedOptions = {}): BudgetNeed | undefined {
    const policy = createPolicy(policyName);
    if (policy.reservesAtStart) return undefined;
    const plans = this.plansAt(policy.granularity, options.threshold, options.runtime ?? this.options.runtime);
    return budgetNeed([...plans].map(([model, p]) => ({ model, taskDemands: p.tasks.map((t) => t.demandBytes), poolBytes: p.pool.poolBytes })),
      options.pool ?? policy.defaultPool);
  }

  /** The least budget at which every one of the policies can run (0 when none has a need). */
  neededBudgetBytes(policies: readonly string[], options: PlanNeedOptions = {}): number {
    return Math.max(0, ...policies.map((p) => this.budgetNeed(p, options)?.neededBytes ?? 0));
  }
}
