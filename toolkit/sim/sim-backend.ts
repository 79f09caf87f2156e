/**
 * The `sim:<device>` backend: sessions compute nothing; a run takes the time the device model says, on a
 * virtual clock, so everything above the backend (scheduler, policies, ledger, pool, results) is the same code
 * as for real runs.
 *
 * What a run of a task costs, in order:
 *  1. host to device: the bytes of every fed tensor that is in host memory (a request's inputs; with the pool
 *     off, the cut tensors that came back to the host), on the h2d copy engine;
 *  2. the session run's host overhead (runOverheadMs), not shared;
 *  3. device work: the task's roofline time alone (roofline.ts), plus its boundary tensors (the task's inputs and
 *     outputs, which leave one session and enter the next) at the profile's taskBoundaryBytesPerS where it has
 *     one, stretched by sharing (sharing.ts);
 *  4. device to host: every output not kept on the device (graph outputs; cut tensors with the pool off).
 * Loading a session (`load`, which the deployment calls on a ledger miss) uploads the task's weights on the
 * h2d engine. A device without memory of its own (the cpu profile) uploads no weights; the outputs a session is
 * told to keep stay where its backend keeps them (the cpu backend: in the worker lane that made them, for every
 * policy), so they cross no link; where its profile has links, they price the copies its backend makes (the cpu
 * backend copies a request's host inputs into a worker lane: an h2d link, no d2h).
 *
 * A profile with `lanes` (the cpu backend's worker lanes) also places every run in a lane and moves kept inputs
 * between lanes by lanes.ts's rules: a run whose kept input sits in a busy lane waits for that lane's run to end.
 *
 * The task's device time alone is the cost model's (task-cost.ts).
 *
 * Each schedule run gets a fresh VirtualClock, device and lanes (`startRun`), so runs do not see each other.
 */
import * as path from 'node:path';
import { loadModel } from '../onnx/load';
import { Backend, Session, SessionOptions, TensorArray, TensorHandle, tensorBytes } from '../runtime/backend';
import { VirtualClock } from '../core/clock';
import { SimDevice } from './device';
import { LaneTensor, SimLanes } from './lanes';
import { DeviceProfile } from './profile';
import { factsOfGraph, factsOfSpec, shaped, taskCost, TaskCost } from './task-cost';
import { buildSimTasks, simTaskOf } from './task-model';
import type { PartitionPlan } from '../partition/plan';
import type { LoadableModel, TaskModel } from '../partition/build';

export class SimBackend implements Backend {
  readonly name: string;
  readonly device: string;
  readonly simulated: { readonly profile: string };
  readonly hasDeviceMemory: boolean;
  readonly concurrency: number;
  private sim: SimDevice;
  private lanes: SimLanes | undefined;
  private readonly inLane = new WeakMap<TensorHandle, LaneTensor>();
  private readonly costs = new WeakMap<object, TaskCost>();

  constructor(readonly profile: DeviceProfile, readonly profileFile: string) {
    this.name = `sim:${profile.name}`;
    this.simulated = { profile: profile.name };
    this.device = `sim:${profile.name} (simulated ${profile.title}; ${profile.regime}; profile ${path.relative(process.cwd(), profileFile) || profileFile})`;
    this.hasDeviceMemory = profile.hasDeviceMemory;
    this.concurrency = profile.concurrency.value;
    this.sim = this.makeDevice(new VirtualClock());
    this.lanes = this.makeLanes();
  }

  private makeLanes(): SimLanes | undefined {
    return this.profile.lanes ? new SimLanes(this.profile.lanes.value) : undefined;
  }

  private makeDevice(clock: VirtualClock): SimDevice {
    const p = this.profile;
    const link = (l: DeviceProfile['h2d']) => (l ? { bytesPerS: l.bytesPerS.value, latencyMs: l.latencyMs.value } : undefined);
    return new SimDevice(clock, { interference: p.interference.value, h2d: link(p.h2d), d2h: link(p.d2h) });
  }

  /** Task descriptions instead of ONNX task models: nothing computes, so no weights need copying. */
  taskModels(plan: PartitionPlan): TaskModel[] {
    return buildSimTasks(plan);
  }

  /** A fresh virtual clock and idle device for the next schedule run; the scheduler must use this clock. */
  startRun(): VirtualClock {
    const clock = new VirtualClock();
    this.sim = this.makeDevice(clock);
    this.lanes = this.makeLanes();
    return clock;
  }

  /** The device of the current run (its busy time). */
  get currentDevice(): SimDevice {
    return this.sim;
  }

  tensor(type: string, _data: TensorArray | null, dims: readonly number[]): TensorHandle {
    return { type, dims: [...dims], location: 'cpu' };
  }

  /**
   * The cost of a model (worked out once per model): a simulated task's from its description; an ONNX model's from
   * its graph, whose own name is the model's (a whole model; the plan's tasks come as simulated tasks).
   */
  costOf(model: LoadableModel): TaskCost {
    let cost = this.costs.get(model);
    if (cost === undefined) {
      if (model instanceof Uint8Array) {
        const graph = shaped(loadModel(model));
        cost = taskCost(factsOfGraph(graph, graph.name), this.profile);
      } else {
        cost = taskCost(factsOfSpec(simTaskOf(model)), this.profile);
      }
      this.costs.set(model, cost);
    }
    return cost;
  }

  async load(model: LoadableModel, options: SessionOptions = {}): Promise<Session> {
    const cost = this.costOf(model);
    if (this.hasDeviceMemory) await this.sim.copy('h2d', cost.weightBytes);
    return new SimSession(this, cost, options.outputsOnDevice ?? false);
  }

  /**
   * One request of `model` alone on an idle device, ms, as this backend runs it: `uploadMs` loads the model (its
   * weights up, on a device with memory of its own), `runMs` runs it once with every input in host memory (inputs
   * up, run overhead, device time, outputs down). It starts a fresh run (`startRun`): not for use during a schedule.
   */
  async alone(model: LoadableModel): Promise<{ readonly uploadMs: number; readonly runMs: number }> {
    const clock = this.startRun();
    const t0 = clock.now();
    const session = await this.load(model);
    const uploadMs = clock.now() - t0;
    const feeds = Object.fromEntries(this.costOf(model).inputs.map((t) => [t.name, this.tensor(t.type, null, t.dims)]));
    const t1 = clock.now();
    await session.run(feeds);
    const runMs = clock.now() - t1;
    await session.dispose();
    this.startRun();
    return { uploadMs, runMs };
  }

  /** @internal the device of the run in progress */
  get active(): SimDevice {
    return this.sim;
  }

  /** @internal the lanes of the run in progress (profiles with `lanes`) */
  get activeLanes(): SimLanes | undefined {
    return this.lanes;
  }

  /** @internal the lane a kept tensor is in */
  laneOf(t: TensorHandle): LaneTensor | undefined {
    return this.inLane.get(t);
  }

  /** @internal a tensor kept in a lane */
  keptInLane(lane: number, dims: readonly number[], type: string): TensorHandle {
    const kept = this.lanes!.keep(lane);
    const handle: TensorHandle = { dims: [...dims], type, location: 'device', release: kept.release };
    this.inLane.set(handle, kept);
    return handle;
  }
}

class SimSession implements Session {
  private disposed = false;
  constructor(private readonly backend: SimBackend, private readonly cost: TaskCost, private readonly onDevice: boolean | readonly string[]) {}

  get inputNames(): readonly string[] { return this.cost.inputNames; }
  get outputNames(): readonly string[] { return this.cost.outputs.map((o) => o.name); }

  async run(feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>> {
    if (this.disposed) throw new Error(`sim session of '${this.cost.model}' is disposed`);
    const lanes = this.backend.activeLanes;
    if (lanes === undefined) return this.work(feeds, -1);
    const held: LaneTensor[] = [];
    for (const t of Object.values(feeds)) { const at = this.backend.laneOf(t); if (at !== undefined) held.push(at); }
    const lane = await lanes.acquire(held.map((t) => t.lane));
    try {
      for (const t of held) await lanes.moveInto(lane, t);
      const work = this.work(feeds, lane);
      lanes.track(lane, work);
      return await work;
    } finally {
      lanes.release(lane);
    }
  }

  /** The run itself: inputs up, host overhead, device work, outputs down (kept outputs stay in `lane` if >= 0). */
  private async work(feeds: Readonly<Record<string, TensorHandle>>, lane: number): Promise<Record<string, TensorHandle>> {
    const device = this.backend.active;
    const { profile } = this.backend;
    if (profile.h2d) {
      let bytes = 0;
      for (const name of this.cost.inputNames) {
        const fed = feeds[name];
        if (fed === undefined) throw new Error(`sim session of '${this.cost.model}': input '${name}' missing`);
        if (fed.location !== 'device') bytes += tensorBytes(fed);
      }
      await device.copy('h2d', bytes);
    }
    await device.host(profile.runOverheadMs.value);
    await device.compute(this.cost.deviceMs, profile.taskShare.value);
    const outputs: Record<string, TensorHandle> = {};
    let back = 0;
    for (const o of this.cost.outputs) {
      const stays = this.onDevice === true || (Array.isArray(this.onDevice) && this.onDevice.includes(o.name));
      const handle: TensorHandle = stays && lane >= 0
        ? this.backend.keptInLane(lane, o.dims, o.type)
        : { dims: [...o.dims], type: o.type, location: stays ? 'device' : 'cpu' };
      if (!stays) back += tensorBytes(handle);
      outputs[o.name] = handle;
    }
    if (profile.d2h) await device.copy('d2h', back);
    return outputs;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}
