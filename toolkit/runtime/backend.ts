/**
 * The Backend seam: how task models are executed. Passed in explicitly (no global registry).
 * A backend loads a model's bytes into a Session; a Session runs feeds to outputs. Tensors are opaque
 * handles: on onnxruntime backends they are `ort.Tensor`s (possibly resident on the GPU), on the fake
 * backend they are shape-only stand-ins.
 */
import type { Clock } from '../core/clock';
import { elementBytesOf } from '../core/dtype';
import type { PartitionPlan } from '../partition/plan';
import type { LoadableModel, TaskModel } from '../partition/build';
import { QuiltError } from '../core/errors';
import type { RuntimeMemoryModel } from '../memory/runtime-memory';
/** A backend's name as the command line gives it: 'cpu', 'webgpu', 'cuda', 'sim:<profile>' (what it is: see `simulated`). */
export type BackendName = string;

/** The part of a tensor every backend's handle has. */
export interface TensorHandle {
  readonly dims: readonly number[];
  readonly type: string;
  /** Where its data lives: 'cpu' for host memory, 'gpu-buffer' (webgpu) or 'cuda' when it stays on the device. */
  readonly location?: string;
  /** Frees what the backend holds for it (a cpu lane's resident copy); optional, and a no-op when called twice. */
  release?(): void;
}

/** Bytes of a tensor handle from its dims and element type (core/dtype.ts's table; 0 for an unknown type). */
export function tensorBytes(handle: TensorHandle): number {
  const size = elementBytesOf(handle.type) ?? 0;
  let n = size;
  for (const d of handle.dims) n *= d;
  return n;
}

/** The element arrays a tensor can be made from (by `Backend.tensor`). */
export type TensorArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface SessionOptions {
  /**
   * Keep outputs on the device (for the pool) instead of copying them to host memory: all of them (true) or
   * those named. Backends whose tensors always live in host memory ignore it.
   */
  readonly outputsOnDevice?: boolean | readonly string[];
}

export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>>;
  dispose(): Promise<void>;
}

/** What a backend is, as results and figures name it. */
export interface BackendIdentity {
  readonly name: BackendName;
  /** Present on a simulated backend: the device profile whose numbers it reports (every simulated number says so). */
  readonly simulated?: { readonly profile: string };
}

/** A name for files of a backend's results: its name, or 'sim-<profile>' for a simulated one. */
export function backendSlug(backend: BackendIdentity): string {
  return backend.simulated ? `sim-${backend.simulated.profile}` : backend.name;
}

/** How a backend is named in figure titles: a simulated device says so. */
export function backendLabel(backend: BackendIdentity): string {
  return backend.simulated ? `${backend.simulated.profile}, simulated` : backend.name;
}

export interface Backend extends BackendIdentity {
  /** A description of the device it runs on, for result metadata (e.g. 'cpu: 2 cores', 'webgpu: lavapipe'). */
  readonly device: string;
  /** Whether the device is separate from host memory (weights and inputs must be uploaded). */
  readonly hasDeviceMemory: boolean;
  /** How many tasks it can run at once (the scheduler's default concurrency). */
  readonly concurrency: number;
  /** The one tensor factory: a host tensor of `type` ('float32', 'int64', ...) that this backend's sessions accept. */
  tensor(type: string, data: TensorArray, dims: readonly number[]): TensorHandle;
  /** Loads an ONNX model's bytes, or (a simulated backend only) a simulated task. */
  load(model: LoadableModel, options?: SessionOptions): Promise<Session>;
  /**
   * The models it loads for a plan's tasks, where they are not the plan's ONNX task models (a simulator reads
   * task descriptions: no weights to copy). Absent: the caller builds ONNX task models.
   */
  taskModels?(plan: PartitionPlan): TaskModel[];
  /**
   * The clock a schedule run on this backend keeps time by, fresh for each run (a simulator's virtual clock).
   * Absent: real time.
   */
  startRun?(): Clock;
  /**
   * The runtime's own memory its sessions need beyond weights and live tensors (memory/runtime-memory.ts), with any
   * term that must be measured calibrated (once, cached). Plans made for this backend put it in every demand, so
   * the ledger, the thresholds and the scheduler reserve what a session really uses. Absent: the liveness definition.
   */
  runtimeMemory?(): Promise<RuntimeMemoryModel>;
  /** Frees what the backend holds (worker lanes); sessions are unusable afterwards. */
  close?(): Promise<void>;
}

/** The ONNX bytes of a model to load, for a backend that runs ONNX (`backend` names it in the error). */
export function onnxBytes(model: LoadableModel, backend: string): Uint8Array {
  if (model instanceof Uint8Array) return model;
  throw new QuiltError(`backend '${backend}' runs ONNX models; task ${model.task} of '${model.model}' is a simulated task (open a sim:<profile> backend for it)`);
}
