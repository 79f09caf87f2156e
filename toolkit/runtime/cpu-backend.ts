/**
 * The `cpu` backend: onnxruntime's CPU provider in a pool of worker-thread lanes.
 *
 * Why lanes: onnxruntime-node serialises the runs of one process (measured: two concurrent ResNet-50 runs end
 * at 35 and 69 ms; in two worker threads both end at 36 ms). A multi-tenant scheduler needs tasks to really
 * run at once, so each lane is a worker with its own onnxruntime, every session is loaded into every lane,
 * and cores are split between lanes (intra-op threads = cores / lanes, at least 1).
 *
 * The pool is real: outputs a session was told to keep on the device (`outputsOnDevice`: a request's cut
 * tensors) stay in the lane that produced them as `LaneTensor`s; the main thread holds only their shape.
 * Stages of a run:
 *  1. Pick a lane (affinity): a free lane that holds the run's resident inputs; else the free lane holding the
 *     fewest resident tensors; else wait (FIFO) for the first lane that frees.
 *  2. Resident inputs held by another lane move once: that lane hands their buffers over (transferred, no copy),
 *     and they travel on to the chosen lane (transferred again) where they stay resident.
 *  3. One message out (host inputs cloned: the caller owns them; resident inputs by id), one back (kept outputs
 *     as shape only; the others as data, transferred).
 * Crash-proof: a lane that dies fails the runs it owed with a LaneCrashError, is replaced at once (every loaded
 * session is loaded again), and the tensors it held are lost (a run that reads one fails, saying so).
 */
import * as os from 'node:os';
import * as ort from 'onnxruntime-node';
import { Backend, Session, SessionOptions, TensorArray, TensorHandle, onnxBytes } from './backend';
import type { LoadableModel } from '../partition/build';
import { Lane } from './lane';
import { LaneHome, LaneTensor } from './lane-tensor';
import { ortTensor } from './ort-tensor';
import { LaneFault, WireFeed, WireTensor, WorkerReply } from './worker-protocol';
import { cpuLaneLayout } from './cpu-session-options';
import { calibratedCpuRuntimeMemory } from './cpu-memory-model';
import type { RuntimeMemoryModel } from '../memory/runtime-memory';
import { LaneQueue } from './lane-queue';

export interface CpuBackendOptions {
  /** How many tasks can run at once (worker lanes); default: the number of cores. */
  readonly lanes?: number;
  /** Intra-op threads per lane; default: cores / lanes, at least 1. */
  readonly threadsPerLane?: number;
  /** A JavaScript heap limit per lane in MiB (a lane that exceeds it dies and is replaced); default: Node's. */
  readonly laneHeapLimitMb?: number;
}

interface LoadedModel {
  readonly bytes: Uint8Array;
  readonly inputNames: string[];
  readonly outputNames: string[];
}

function fromWire(t: WireTensor): ort.Tensor {
  return new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
}

function hostWire(t: TensorHandle): WireTensor {
  const tensor = t as ort.Tensor;
  return { type: tensor.type, dims: tensor.dims, data: tensor.data as WireTensor['data'] };
}

function failure(reply: WorkerReply, what: string): Error {
  return new Error(reply.kind === 'failed' ? reply.message : `unexpected reply '${reply.kind}' from a cpu lane to ${what}`);
}

class CpuSession implements Session {
  private readonly keep: ReadonlySet<string>;
  constructor(
    private readonly backend: CpuBackend,
    private readonly id: number,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
    outputsOnDevice: SessionOptions['outputsOnDevice'],
  ) {
    this.keep = new Set(outputsOnDevice === true ? outputNames : outputsOnDevice === undefined || outputsOnDevice === false ? [] : outputsOnDevice);
  }

  run(feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>> {
    return this.backend.runSession(this.id, feeds, this.keep);
  }

  async dispose(): Promise<void> {
    this.backend.release(this.id);
  }
}

export class CpuBackend implements Backend, LaneHome {
  readonly name = 'cpu' as const;
  readonly hasDeviceMemory = false;
  readonly device: string;
  readonly lanes: number;
  private readonly threads: number;
  private readonly heapLimitMb: number | undefined;
  private readonly pool: Lane[] = [];
  private readonly queue = new LaneQueue();
  /** Live resident tensors per lane, and each lane's incarnation. */
  private readonly residents: number[] = [];
  private readonly epochs: number[] = [];
  private readonly drops: number[][] = [];
  private dropsScheduled = false;
  private readonly models = new Map<number, LoadedModel>();
  private nextSession = 1;
  private nextCall = 1;
  private nextTensor = 1;
  private closed = false;

  /** One task per lane. */
  get concurrency(): number {
    return this.lanes;
  }

  tensor(type: string, data: TensorArray, dims: readonly number[]): TensorHandle {
    return ortTensor(type, data, dims);
  }

  constructor(options: CpuBackendOptions = {}) {
    const cores = os.cpus().length;
    const layout = cpuLaneLayout(cores, options.lanes, options.threadsPerLane);
    this.lanes = layout.lanes;
    this.threads = layout.threads;
    this.heapLimitMb = options.laneHeapLimitMb;
    this.device = `cpu: ${os.cpus()[0]?.model ?? 'unknown'}, ${cores} cores, ${this.lanes} lanes x ${this.threads} threads`;
  }

  /** The CPU provider's own memory at this backend's intra-op threads (cpu-memory-model.ts). */
  runtimeMemory(): Promise<RuntimeMemoryModel> {
    return calibratedCpuRuntimeMemory({ threads: this.threads });
  }

  async load(toLoad: LoadableModel, options: SessionOptions = {}): Promise<Session> {
    const model = onnxBytes(toLoad, 'cpu');
    const sessionId = this.nextSession++;
    const replies = await Promise.all(this.ensureLanes().map((lane) => lane.request({
      kind: 'load', sessionId, bytes: model, threads: this.threads,
    })));
    const failed = replies.find((r) => r.kind === 'failed');
    if (failed !== undefined && failed.kind === 'failed') {
      this.release(sessionId);
      throw new Error(`onnxruntime (cpu) could not load the model: ${failed.message}`);
    }
    const loaded = replies[0];
    if (loaded.kind !== 'loaded') throw failure(loaded, 'a load');
    this.models.set(sessionId, { bytes: model, inputNames: loaded.inputNames, outputNames: loaded.outputNames });
    return new CpuSession(this, sessionId, loaded.inputNames, loaded.outputNames, options.outputsOnDevice);
  }

  /** @internal One run: pick a lane, move resident inputs held elsewhere, run, wrap the outputs. */
  async runSession(sessionId: number, feeds: Readonly<Record<string, TensorHandle>>, keep: ReadonlySet<string>): Promise<Record<string, TensorHandle>> {
    const residentFeeds: [string, LaneTensor][] = [];
    for (const [name, t] of Object.entries(feeds)) {
      if (!(t instanceof LaneTensor)) continue;
      this.checkAlive(name, t);
      residentFeeds.push([name, t]);
    }
    const laneIndex = await this.acquire(residentFeeds.map(([, t]) => t.lane));
    try {
      const wire: Record<string, WireFeed> = {};
      const transfer = await this.moveInto(laneIndex, residentFeeds, wire);
      for (const [name, t] of Object.entries(feeds)) if (!(t instanceof LaneTensor)) wire[name] = { host: hostWire(t) };
      const ids: Record<string, number> = {};
      for (const name of keep) ids[name] = this.nextTensor++;
      const lane = this.pool[laneIndex];
      const epoch = this.epochs[laneIndex];
      const reply = await lane.request({ kind: 'run', callId: this.nextCall++, sessionId, feeds: wire, keep: ids }, transfer);
      if (reply.kind !== 'result') throw failure(reply, 'a run');
      const outputs: Record<string, TensorHandle> = {};
      for (const [name, t] of Object.entries(reply.outputs)) outputs[name] = fromWire(t);
      for (const [name, shape] of Object.entries(reply.kept)) {
        outputs[name] = new LaneTensor(shape.type, shape.dims, ids[name], laneIndex, epoch, this);
        this.residents[laneIndex]++;
      }
      return outputs;
    } finally {
      this.releaseLane(laneIndex);
    }
  }

  /** Resident inputs held by other lanes: taken from there (transferred) and fed here to stay (transferred). */
  private async moveInto(laneIndex: number, residentFeeds: readonly [string, LaneTensor][], wire: Record<string, WireFeed>): Promise<ArrayBuffer[]> {
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of residentFeeds) {
      this.checkAlive(name, t);
      if (t.lane === laneIndex) {
        wire[name] = { resident: t.id };
        continue;
      }
      const from = t.lane;
      const reply = await this.pool[from].request({ kind: 'take', callId: this.nextCall++, ids: [t.id] });
      if (reply.kind !== 'taken') throw failure(reply, 'a move');
      const data = reply.tensors[t.id];
      this.residents[from]--;
      t.lane = laneIndex;
      t.epoch = this.epochs[laneIndex];
      this.residents[laneIndex]++;
      wire[name] = { host: data, keepAs: t.id };
      const view = data.data;
      if (ArrayBuffer.isView(view) && view.buffer instanceof ArrayBuffer && !transfer.includes(view.buffer)) transfer.push(view.buffer);
    }
    return transfer;
  }

  private checkAlive(name: string, t: LaneTensor): void {
    if (t.released) throw new Error(`input '${name}' was released before this run`);
    if (t.epoch !== this.epochs[t.lane]) throw new Error(`input '${name}' was lost: cpu lane ${t.lane}, which held it, died`);
  }

  /** @internal LaneHome: frees a resident tensor (batched: one message per lane per turn of the event loop). */
  drop(t: LaneTensor): void {
    if (this.closed || t.epoch !== this.epochs[t.lane]) return;
    this.residents[t.lane]--;
    this.drops[t.lane].push(t.id);
    if (this.dropsScheduled) return;
    this.dropsScheduled = true;
    setImmediate(() => {
      this.dropsScheduled = false;
      this.drops.forEach((ids, lane) => {
        if (ids.length > 0) this.pool[lane]?.post({ kind: 'drop', ids: ids.splice(0) });
      });
    });
  }

  /** @internal */
  release(sessionId: number): void {
    this.models.delete(sessionId);
    for (const lane of this.pool) lane.post({ kind: 'release', sessionId });
  }

  /** @internal For tests of crash handling: the lane's next run dies mid-run in the way given. */
  injectFault(lane: number, fault: LaneFault): void {
    this.ensureLanes()[lane].post({ kind: 'fault', fault });
  }

  /** Stops the worker lanes (sessions and resident tensors are gone with them). */
  async close(): Promise<void> {
    this.closed = true;
    const lanes = this.pool.splice(0);
    await Promise.all(lanes.map((l) => l.terminate()));
  }

  private ensureLanes(): Lane[] {
    while (this.pool.length < this.lanes) {
      const i = this.pool.length;
      this.pool.push(this.newLane(i));
      this.queue.add();
      this.residents.push(0);
      this.epochs.push(0);
      this.drops.push([]);
    }
    return this.pool;
  }

  private newLane(index: number): Lane {
    const limits = this.heapLimitMb === undefined ? undefined : { maxOldGenerationSizeMb: this.heapLimitMb };
    return new Lane(index, (lane) => this.replace(lane), limits);
  }

  /** A lane died: a fresh one takes its place with every loaded session; what it held is lost. */
  private replace(dead: Lane): void {
    if (this.closed || this.pool[dead.index] !== dead) return;
    const i = dead.index;
    this.epochs[i]++;
    this.residents[i] = 0;
    this.drops[i] = [];
    const lane = this.newLane(i);
    this.pool[i] = lane;
    // Loads are handled in order, before any run posted after them; a failed reload fails those runs.
    for (const [sessionId, m] of this.models) {
      lane.request({ kind: 'load', sessionId, bytes: m.bytes, threads: this.threads }).catch(() => undefined);
    }
  }

  private acquire(preferred: readonly number[]): Promise<number> {
    this.ensureLanes();
    return this.queue.acquire(this.residents, preferred);
  }

  private releaseLane(lane: number): void {
    this.queue.release(lane);
  }
}
