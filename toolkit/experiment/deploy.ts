/**
 * Deploying a partition plan on a backend: one Session per task model, wrapped as the scheduler's Deployment.
 *
 * Where weights live:
 *  - cpu (host memory is the device): every task's session is created once, up front; nothing is uploaded
 *    and no upload is invented; the ledger still counts the weights against the budget.
 *  - webgpu / cuda: a task's weights are on the device only while its session exists. The session is created
 *    when the ledger says the weights are not resident (a cache miss: the scheduler calls `loadWeights`), so
 *    the run pays the real upload; when the ledger evicts them the session is released.
 * With the pool on, a task's outputs that later tasks read stay on the device (webgpu gpu-buffers; on cpu, in the
 * worker lane that made them, pool on or off); graph outputs always come back to the host. Such outputs belong to the session that made them, so a session
 * whose weights are evicted while its outputs may still be read is released only with the deployment (its
 * weights leave the ledger at once; the device frees them at the end of the run).
 */
import { Backend, Session, TensorHandle } from '../runtime/backend';
import { zeroFeeds } from '../runtime/feeds';
import { build, loadable, TaskModel } from '../partition/build';
import { PartitionPlan } from '../partition/plan';
import { Deployment, deploymentFromPlan } from '../schedule/deployment';

/** A session that can be dropped and created again: its lifetime is the residency of the task's weights. */
class ResidentSession implements Session {
  private session: Session | undefined;
  /**
   * Sessions whose weights were evicted but whose device outputs (pool tensors) a request may still read:
   * onnxruntime frees a session's GPU buffers with it, so these are released when the deployment is.
   */
  private readonly retired: Session[] = [];
  private loading: Promise<void> | undefined;
  constructor(private readonly backend: Backend, private readonly model: TaskModel, private readonly deviceOutputs: readonly string[]) {}

  get inputNames(): readonly string[] { return this.model.inputNames; }
  get outputNames(): readonly string[] { return this.model.outputNames; }
  get loaded(): boolean { return this.session !== undefined; }

  /**
   * Uploads the weights (creates the session), replacing a session whose weights were evicted. A load already in
   * flight is shared: two requests whose same task starts while its weights are still uploading wait for one
   * upload (the ledger counts the weights once), instead of each creating a session of its own.
   */
  load(): Promise<void> {
    if (this.loading === undefined) {
      this.loading = (async () => {
        await this.unload();
        this.session = await this.backend.load(loadable(this.model), { outputsOnDevice: this.deviceOutputs });
      })().finally(() => { this.loading = undefined; });
    }
    return this.loading;
  }

  async unload(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s === undefined) return;
    if (this.deviceOutputs.length > 0) this.retired.push(s);
    else await s.dispose();
  }

  async run(feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>> {
    if (this.loading !== undefined) await this.loading;
    if (this.session === undefined) await this.load();
    return this.session!.run(feeds);
  }

  async dispose(): Promise<void> {
    await this.unload();
    for (const s of this.retired.splice(0)) await s.dispose();
  }
}

export interface LiveDeployment {
  readonly deployment: Deployment;
  /** Task models in plan order (their bytes are what a session loads). */
  readonly taskModels: readonly TaskModel[];
  /** Releases every session. */
  dispose(): Promise<void>;
}

export interface DeployOptions {
  /** The name requests use (default: the plan's model name). */
  readonly name?: string;
  /** Keep cut tensors on the device between tasks. */
  readonly pool: boolean;
  /**
   * cpu: run every session this many times at once on zeros before the schedule starts, so that no policy's
   * measured latency pays onnxruntime's first-run set-up (pass the concurrency: one warm-up per lane).
   */
  readonly warmUpCopies?: number;
}

async function warmUp(plan: PartitionPlan, backend: Backend, sessions: readonly Session[], copies: number): Promise<void> {
  for (const session of sessions) {
    const feeds = zeroFeeds(plan.graph, session.inputNames, backend);
    const outputs = await Promise.all(Array.from({ length: copies }, () => session.run(feeds)));
    // Outputs kept on the device (a cpu lane's pool) are freed at once: nothing reads them.
    for (const out of outputs) for (const t of Object.values(out)) t.release?.();
  }
}

export async function deployPlan(plan: PartitionPlan, backend: Backend, options: DeployOptions, taskModels: readonly TaskModel[] = build(plan)): Promise<LiveDeployment> {
  const graphOutputs = new Set(plan.graph.outputs.map((v) => plan.graph.values[v].name));
  // Cut tensors stay on the device with the pool on; on a backend without device memory (cpu) they always stay in
  // the lane that made them, whatever the policy: host memory is the device there, so nothing would really move.
  const keep = options.pool || !backend.hasDeviceMemory;
  const sessions = taskModels.map((m) => new ResidentSession(
    backend, m, keep ? m.outputNames.filter((n) => !graphOutputs.has(n)) : [],
  ));
  if (!backend.hasDeviceMemory) {
    for (const s of sessions) await s.load();
    await warmUp(plan, backend, sessions, options.warmUpCopies ?? 1);
  }
  const deployment = deploymentFromPlan(plan, sessions, {
    model: options.name,
    ...(backend.hasDeviceMemory ? {
      loadWeights: (i: number) => sessions[i].load(),
      unloadWeights: (i: number) => sessions[i].unload(),
    } : {}),
  });
  return {
    deployment,
    taskModels,
    async dispose() { for (const s of sessions) await s.dispose(); },
  };
}
