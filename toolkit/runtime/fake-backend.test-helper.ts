/**
 * A fake Backend for scheduler tests: sessions compute nothing. A fake model is a small JSON description
 * (encoded with `encodeFakeModel`) of its input and output tensors (names, dims, type), the time one run
 * takes and optionally a run that throws. `run` checks that every declared input is fed, waits the declared
 * time on the given sleeper (a VirtualClock makes that virtual and deterministic) and returns shape-only
 * handles for the declared outputs.
 *
 * Costs can also be declared per model on the backend (`declareCost`), and faults injected per model task
 * (`failOn`), so a test can build its models once and vary costs and faults.
 */
import { elementCount } from '../graph/graph';
import { Backend, Session, SessionOptions, TensorArray, TensorHandle, onnxBytes } from './backend';
import type { LoadableModel } from '../partition/build';

export interface FakeTensorSpec {
  readonly name: string;
  readonly dims: readonly number[];
  /** Element type (default 'float32'). */
  readonly type?: string;
}

export interface FakeModelSpec {
  /** Model name and task index, for costs, faults and error messages. */
  readonly model: string;
  readonly task: number;
  readonly inputs: readonly FakeTensorSpec[];
  readonly outputs: readonly FakeTensorSpec[];
  /** Duration of one run in ms (default: the backend's declared cost for the model, else 1). */
  readonly costMs?: number;
  /** 1-based run of this session that throws (fault injection). */
  readonly throwOnRun?: number;
}

export interface FakeBackendOptions {
  /** Waits a run's duration; pass a clock's `sleep` (default: resolves at once). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Whether to behave as a device with its own memory (default false). */
  readonly hasDeviceMemory?: boolean;
  /** Tasks it runs at once (default 2). */
  readonly concurrency?: number;
}

export function encodeFakeModel(spec: FakeModelSpec): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(spec));
}

export function decodeFakeModel(bytes: Uint8Array): FakeModelSpec {
  const spec = JSON.parse(new TextDecoder().decode(bytes)) as FakeModelSpec;
  if (typeof spec.model !== 'string' || !Array.isArray(spec.inputs) || !Array.isArray(spec.outputs)) {
    throw new Error('fake backend: the bytes are not a fake model description');
  }
  return spec;
}

export class FakeBackend implements Backend {
  readonly name = 'fake' as const;
  readonly device = 'fake: no device';
  readonly hasDeviceMemory: boolean;
  readonly concurrency: number;
  /** Runs started, over all sessions. */
  runs = 0;
  /** Sessions loaded and not disposed. */
  openSessions = 0;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly costs = new Map<string, number | readonly number[]>();
  private readonly faults = new Map<string, number>();

  constructor(options: FakeBackendOptions = {}) {
    this.sleep = options.sleep ?? (() => Promise.resolve());
    this.hasDeviceMemory = options.hasDeviceMemory ?? false;
    this.concurrency = options.concurrency ?? 2;
  }

  /** A shape-only handle: the fake sessions read dims and type, never data. */
  tensor(type: string, data: TensorArray, dims: readonly number[]): TensorHandle {
    const count = elementCount(dims);
    if (data.length !== count) throw new Error(`fake tensor: ${data.length} elements for dims [${dims.join(', ')}]`);
    return { type, dims: [...dims], location: 'cpu' };
  }

  /** Declares run times for a model's tasks: one number for every task, or one per task index. */
  declareCost(model: string, costMs: number | readonly number[]): void {
    this.costs.set(model, costMs);
  }

  /** Makes the `run`-th run (1-based) of the model's task `task` throw. */
  failOn(model: string, task: number, run: number): void {
    this.faults.set(`${model}#${task}`, run);
  }

  async load(loaded: LoadableModel, options: SessionOptions = {}): Promise<Session> {
    const model = onnxBytes(loaded, 'fake');
    const spec = decodeFakeModel(model);
    this.openSessions++;
    return new FakeSession(spec, this, options.outputsOnDevice ?? false);
  }

  /** @internal used by FakeSession */
  costOf(spec: FakeModelSpec): number {
    if (spec.costMs !== undefined) return spec.costMs;
    const declared = this.costs.get(spec.model);
    if (declared === undefined) return 1;
    return typeof declared === 'number' ? declared : declared[spec.task] ?? 1;
  }

  /** @internal used by FakeSession */
  faultRun(spec: FakeModelSpec): number | undefined {
    return this.faults.get(`${spec.model}#${spec.task}`) ?? spec.throwOnRun;
  }

  /** @internal used by FakeSession */
  wait(ms: number): Promise<void> {
    return this.sleep(ms);
  }
}

class FakeSession implements Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private runCount = 0;
  private disposed = false;

  constructor(
    private readonly spec: FakeModelSpec,
    private readonly backend: FakeBackend,
    private readonly outputsOnDevice: boolean | readonly string[],
  ) {
    this.inputNames = spec.inputs.map((t) => t.name);
    this.outputNames = spec.outputs.map((t) => t.name);
  }

  async run(feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>> {
    const { spec } = this;
    if (this.disposed) throw new Error(`fake session ${spec.model} task ${spec.task} is disposed`);
    for (const input of spec.inputs) {
      const fed = feeds[input.name];
      if (fed === undefined) throw new Error(`fake session ${spec.model} task ${spec.task}: input '${input.name}' missing`);
      if (fed.dims.join('x') !== input.dims.join('x')) {
        throw new Error(`fake session ${spec.model} task ${spec.task}: input '${input.name}' has dims ` +
          `${fed.dims.join('x')}, expected ${input.dims.join('x')}`);
      }
    }
    this.runCount++;
    this.backend.runs++;
    const cost = this.backend.costOf(spec);
    if (this.runCount === this.backend.faultRun(spec)) {
      await this.backend.wait(cost / 2);
      throw new Error(`injected fault in ${spec.model} task ${spec.task} (run ${this.runCount})`);
    }
    await this.backend.wait(cost);
    const outputs: Record<string, TensorHandle> = {};
    for (const o of spec.outputs) {
      const onDevice = this.outputsOnDevice === true ||
        (Array.isArray(this.outputsOnDevice) && this.outputsOnDevice.includes(o.name));
      outputs[o.name] = { dims: [...o.dims], type: o.type ?? 'float32', location: onDevice ? 'device' : 'cpu' };
    }
    return outputs;
  }

  async dispose(): Promise<void> {
    if (!this.disposed) this.backend.openSessions--;
    this.disposed = true;
  }
}
