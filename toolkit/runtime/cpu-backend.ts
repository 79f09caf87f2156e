/**
 * The `cpu` backend: onnxruntime's CPU provider in a pool of worker-thread lanes.
 *
 * Why lanes: onnxruntime-node serialises the runs of one process (measured: two concurrent ResNet-50 runs end
 * at 35 and 69 ms; in two worker threads both end at 36 ms). A multi-tenant scheduler needs tasks to really
 * run at once, so each lane is a worker with its own onnxruntime, every session is loaded into every lane,
 * and a run takes the first free lane (FIFO when all are busy). Cores are split between lanes
 * (intra-op threads = cores / lanes, at least 1).
 *
 * Host memory is the device here: tensors are plain arrays; moving them to and from a lane is a copy within
 * host memory (results are transferred without a copy). Workers do not keep the process alive when idle.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { Backend, Session, SessionOptions, TensorArray, TensorHandle } from './backend';
import { ortTensor } from './ort-tensor';
import { PlainTensor, WorkerReply, WorkerRequest } from './worker-protocol';

export interface CpuBackendOptions {
  /** How many tasks can run at once (worker lanes); default: the number of cores. */
  readonly lanes?: number;
  /** Intra-op threads per lane; default: cores / lanes, at least 1. */
  readonly threadsPerLane?: number;
}

interface Pending {
  resolve(reply: WorkerReply): void;
}

class Lane {
  private readonly worker: Worker;
  private pending = 0;
  private readonly bySession = new Map<number, Pending[]>();
  private readonly byCall = new Map<number, Pending>();
  busy = false;

  constructor() {
    this.worker = new Worker(path.join(__dirname, 'ort-worker.js'));
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.receive(reply));
  }

  request(message: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve) => {
      if (message.kind === 'run') this.byCall.set(message.callId, { resolve });
      else if (message.kind === 'load') {
        const waiting = this.bySession.get(message.sessionId) ?? [];
        waiting.push({ resolve });
        this.bySession.set(message.sessionId, waiting);
      }
      if (this.pending++ === 0) this.worker.ref();
      this.worker.postMessage(message);
    });
  }

  post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private receive(reply: WorkerReply): void {
    const callId = reply.kind === 'loaded' ? undefined : reply.callId;
    const sessionId = reply.kind === 'result' ? undefined : reply.sessionId;
    let target: Pending | undefined;
    if (callId !== undefined) {
      target = this.byCall.get(callId);
      this.byCall.delete(callId);
    } else if (sessionId !== undefined) {
      target = this.bySession.get(sessionId)?.shift();
    }
    if (--this.pending === 0) this.worker.unref();
    target?.resolve(reply);
  }
}

function toPlain(t: TensorHandle): PlainTensor {
  const tensor = t as ort.Tensor;
  return { type: tensor.type, dims: tensor.dims, data: tensor.data as PlainTensor['data'] };
}

function fromPlain(t: PlainTensor): ort.Tensor {
  return new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
}

class CpuSession implements Session {
  constructor(
    private readonly backend: CpuBackend,
    private readonly id: number,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
  ) {}

  async run(feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>> {
    const plain: Record<string, PlainTensor> = {};
    for (const [name, t] of Object.entries(feeds)) plain[name] = toPlain(t);
    const reply = await this.backend.runOnFreeLane(this.id, plain);
    if (reply.kind === 'failed') throw new Error(reply.message);
    if (reply.kind !== 'result') throw new Error(`unexpected reply '${reply.kind}' from a CPU lane`);
    const outputs: Record<string, TensorHandle> = {};
    for (const [name, t] of Object.entries(reply.outputs)) outputs[name] = fromPlain(t);
    return outputs;
  }

  async dispose(): Promise<void> {
    this.backend.release(this.id);
  }
}

export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  readonly hasDeviceMemory = false;
  readonly device: string;
  readonly lanes: number;
  private readonly threads: number;
  private readonly pool: Lane[] = [];
  private readonly waiting: ((lane: Lane) => void)[] = [];
  private nextSession = 1;
  private nextCall = 1;

  /** One task per lane. */
  get concurrency(): number {
    return this.lanes;
  }

  tensor(type: string, data: TensorArray, dims: readonly number[]): TensorHandle {
    return ortTensor(type, data, dims);
  }

  constructor(options: CpuBackendOptions = {}) {
    const cores = os.cpus().length;
    this.lanes = Math.max(1, Math.floor(options.lanes ?? cores));
    this.threads = Math.max(1, Math.floor(options.threadsPerLane ?? cores / this.lanes));
    this.device = `cpu: ${os.cpus()[0]?.model ?? 'unknown'}, ${cores} cores, ${this.lanes} lanes x ${this.threads} threads`;
  }

  private ensureLanes(): Lane[] {
    while (this.pool.length < this.lanes) this.pool.push(new Lane());
    return this.pool;
  }

  async load(model: Uint8Array, _options: SessionOptions = {}): Promise<Session> {
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
    if (loaded.kind !== 'loaded') throw new Error('a CPU lane did not load the model');
    return new CpuSession(this, sessionId, loaded.inputNames, loaded.outputNames);
  }

  /** @internal Runs on the first free lane, waiting (FIFO) when every lane is busy. */
  async runOnFreeLane(sessionId: number, feeds: Record<string, PlainTensor>): Promise<WorkerReply> {
    const lane = await this.acquire();
    try {
      return await lane.request({ kind: 'run', callId: this.nextCall++, sessionId, feeds });
    } finally {
      this.releaseLane(lane);
    }
  }

  /** @internal */
  release(sessionId: number): void {
    for (const lane of this.pool) lane.post({ kind: 'release', sessionId });
  }

  /** Stops the worker lanes (sessions are gone with them). */
  async close(): Promise<void> {
    const lanes = this.pool.splice(0);
    await Promise.all(lanes.map((l) => l.terminate()));
  }

  private acquire(): Promise<Lane> {
    const free = this.ensureLanes().find((l) => !l.busy);
    if (free !== undefined) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseLane(lane: Lane): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(lane);
    else lane.busy = false;
  }
}
