/**
 * A deployment: one model made ready to run at one granularity, the scheduler's only view of a model.
 * It is a PartitionPlan's tasks with a loaded Session each; `deploymentFromPlan` builds one.
 *
 * The scheduler runs a request's tasks in order. Task k's feeds are looked up by `inputNames` among the
 * request's inputs and the outputs of its earlier tasks; its `outputNames` join that set. Outputs named in
 * `Deployment.outputNames` are the model's results; every other output is a cut tensor.
 */
import { Granularity, PartitionPlan } from '../partition/plan';
import { Session } from '../runtime/backend';

export interface DeployedTask {
  /** Device bytes the task needs while it runs: weightBytes + its peak activation bytes (with the runtime's terms). */
  readonly demandBytes: number;
  readonly weightBytes: number;
  /** Identifies the task's weights in the device ledger's cache (unique per task model). */
  readonly weightsKey: string;
  readonly session: Session;
  /** Names of the tensors the task reads (graph inputs, cut tensors of earlier tasks). */
  readonly inputNames: readonly string[];
  /** Names of the tensors the task hands on (cut tensors, graph outputs). */
  readonly outputNames: readonly string[];
  /**
   * Optional: called before the task runs when its weights were not resident (a cache miss in the ledger),
   * so a backend with device memory can pay for the upload. Omit when sessions keep their weights loaded.
   */
  readonly loadWeights?: () => Promise<void>;
  /** Optional: called when the ledger evicts the task's weights (free the device copy, e.g. drop the session). */
  readonly unloadWeights?: () => Promise<void>;
}

export interface Deployment {
  /** The name requests use for it (a workload mix entry's name). */
  readonly model: string;
  readonly granularity: Granularity;
  readonly tasks: readonly DeployedTask[];
  /** Bytes of the request's pool buffer (the plan's pool with slot reuse); 0 for a single task. */
  readonly poolBytes: number;
  /** The model's graph outputs (results brought back to the host). */
  readonly outputNames: readonly string[];
}

export interface DeploymentOptions {
  /** Name requests use (default: the plan's model name). */
  readonly model?: string;
  /** Per-task upload hook, see DeployedTask.loadWeights. */
  readonly loadWeights?: (taskIndex: number) => Promise<void>;
  /** Per-task eviction hook, see DeployedTask.unloadWeights. */
  readonly unloadWeights?: (taskIndex: number) => Promise<void>;
}

/** Builds a deployment from a plan and one loaded Session per plan task (same order). */
export function deploymentFromPlan(
  plan: PartitionPlan,
  sessions: readonly Session[],
  options: DeploymentOptions = {},
): Deployment {
  if (sessions.length !== plan.tasks.length) {
    throw new Error(`deployment of '${plan.model}': ${plan.tasks.length} tasks but ${sessions.length} sessions`);
  }
  const model = options.model ?? plan.model;
  const names = (values: readonly number[]): string[] => values.map((v) => plan.graph.values[v].name);
  const { loadWeights, unloadWeights } = options;
  const tasks = plan.tasks.map((task, i): DeployedTask => ({
    demandBytes: task.demandBytes,
    weightBytes: task.weightBytes + (task.runtimeBytes ?? 0),
    weightsKey: `${model}/${plan.granularity}@${plan.thresholdBytes}/${task.index}`,
    session: sessions[i],
    inputNames: names(task.inputs),
    outputNames: names(task.outputs),
    ...(loadWeights ? { loadWeights: () => loadWeights(i) } : {}),
    ...(unloadWeights ? { unloadWeights: () => unloadWeights(i) } : {}),
  }));
  return {
    model,
    granularity: plan.granularity,
    tasks,
    poolBytes: plan.tasks.length > 1 ? plan.pool.poolBytes : 0,
    outputNames: names(plan.graph.outputs),
  };
}

/** The largest demand among the deployment's tasks. */
export function maxTaskDemand(deployment: Deployment): number {
  let max = 0;
  for (const t of deployment.tasks) max = Math.max(max, t.demandBytes);
  return max;
}
