/**
 * Backends over onnxruntime-node: `cpu`, `webgpu` (Dawn on Vulkan) and `cuda` (where the CUDA provider
 * libraries sit beside onnxruntime's own library), chosen by name or with `auto` (opened through sim/open.ts's
 * `openBackend`, the one door that also knows the simulated backends).
 *
 * The cpu backend runs in worker-thread lanes (cpu-backend.ts); webgpu and cuda run in this process.
 * Availability is checked by opening a one-node session on the provider, because onnxruntime's own list says
 * what was bundled, not whether a device answers. A backend that cannot run is a QuiltError that says how to
 * get it. On `webgpu`, `outputsOnDevice` keeps a session's outputs as GPU buffers that the next session reads
 * directly (the memory pool); on `cpu` every tensor is in host memory, which is the device.
 */
import * as fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { ortSessionLogOptions } from '../onnx/ort-log';
import { QuiltError, oneLine } from '../core/errors';
import { Backend, Session, SessionOptions, TensorArray, TensorHandle, onnxBytes } from './backend';
import type { LoadableModel } from '../partition/build';
import { ortTensor } from './ort-tensor';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';
import { CpuBackend } from './cpu-backend';

/** The backends onnxruntime runs here. */
export type OrtBackendName = 'cpu' | 'webgpu' | 'cuda';
export type BackendChoice = OrtBackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'webgpu', 'cuda'];

export interface OrtBackendOptions {
  /** cpu: how many tasks can run at once (worker lanes); default: the number of cores. */
  readonly lanes?: number;
}

const HOW_TO_GET: Readonly<Record<OrtBackendName, string>> = {
  cpu: 'reinstall onnxruntime-node (npm ci)',
  webgpu: 'it needs a Vulkan driver: a GPU with its vendor driver and libvulkan1, or on a machine without a GPU Mesa\'s '
    + 'software driver from bookworm-backports (bash .ci/system-packages.sh); see the README',
  cuda: "it needs onnxruntime's CUDA provider libraries beside onnxruntime-node's libonnxruntime.so and a CUDA GPU; "
    + "see the README's section on backends",
};

/** A tiny model (y = relu(x)) used to prove a provider answers. */
let probeModel: Uint8Array | undefined;
function probe(): Uint8Array {
  if (probeModel === undefined) {
    const b = new GraphBuilder('probe');
    b.input('x', 'float32', [4]);
    b.output(b.op('Relu', ['x'], {}, 'relu'), 'float32', [4]);
    probeModel = writeModel(b.finish());
  }
  return probeModel;
}

/** A session in this process. */
class OrtSession implements Session {
  constructor(private readonly session: ort.InferenceSession) {}
  get inputNames(): readonly string[] { return this.session.inputNames; }
  get outputNames(): readonly string[] { return this.session.outputNames; }
  async run(feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>> {
    return (await this.session.run(feeds as Record<string, ort.Tensor>)) as Record<string, TensorHandle>;
  }
  async dispose(): Promise<void> { await this.session.release(); }
}

/** webgpu and cuda: sessions in this process (their tensors may live on the GPU, which threads cannot share). */
class GpuBackend implements Backend {
  readonly hasDeviceMemory = true;
  /** Two tasks at once: one's copies overlap the other's compute. */
  readonly concurrency = 2;
  constructor(readonly name: 'webgpu' | 'cuda', readonly device: string) {}

  tensor(type: string, data: TensorArray, dims: readonly number[]): TensorHandle {
    return ortTensor(type, data, dims);
  }

  async load(loaded: LoadableModel, options: SessionOptions = {}): Promise<Session> {
    const model = onnxBytes(loaded, this.name);
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [this.name, 'cpu'],
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      ...ortSessionLogOptions(),
    };
    // Only webgpu can hand a session's output to the next session without leaving the device (see
    // shared/ENVIRONMENT.md); elsewhere outputs come back to host memory.
    const onDevice = options.outputsOnDevice;
    if (this.name === 'webgpu' && onDevice === true) sessionOptions.preferredOutputLocation = 'gpu-buffer';
    if (this.name === 'webgpu' && Array.isArray(onDevice) && onDevice.length > 0) {
      sessionOptions.preferredOutputLocation = Object.fromEntries(onDevice.map((name) => [name, 'gpu-buffer' as const]));
    }
    try {
      return new OrtSession(await ort.InferenceSession.create(model, sessionOptions));
    } catch (error) {
      throw new Error(`onnxruntime (${this.name}) could not load the model: ${oneLine(error)}`);
    }
  }
}

/** Whether a GPU is visible to this machine at all (so `auto` does not pick a software WebGPU adapter). */
function hasHardwareGpu(): boolean {
  try {
    if (fs.existsSync('/dev/nvidia0')) return true;
    return fs.readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}

function describeDevice(name: 'webgpu' | 'cuda'): string {
  if (name === 'webgpu') return hasHardwareGpu() ? 'webgpu: hardware adapter' : 'webgpu: software adapter (Mesa lavapipe)';
  return 'cuda: device 0';
}

/**
 * Opens an onnxruntime backend by name; throws a QuiltError that says how to get it when it cannot run here.
 * Callers above the simulator open every backend through sim/open.ts's `openBackend`.
 */
export async function openOrtBackend(choice: BackendChoice = 'cpu', options: OrtBackendOptions = {}): Promise<Backend> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new QuiltError(`--backend: '${choice}' is not a backend (choose one of ${BACKEND_CHOICES.join(', ')})`);
  }
  const make = (name: OrtBackendName): Backend => (name === 'cpu'
    ? new CpuBackend({ lanes: options.lanes })
    : new GpuBackend(name, describeDevice(name)));
  if (choice === 'auto') {
    const candidates: OrtBackendName[] = hasHardwareGpu() ? ['cuda', 'webgpu', 'cpu'] : ['cpu'];
    for (const name of candidates) {
      if ((await checkBackend(name)) === undefined) return make(name);
    }
    throw new QuiltError('no onnxruntime backend works on this machine (not even cpu): reinstall with npm ci');
  }
  const problem = await checkBackend(choice);
  if (problem !== undefined) {
    throw new QuiltError(`backend '${choice}' is not available here (${problem}); ${HOW_TO_GET[choice]}`);
  }
  return make(choice);
}

/** Undefined when the provider runs the probe model correctly; otherwise what went wrong. */
export async function checkBackend(name: OrtBackendName): Promise<string | undefined> {
  const listed = ort.listSupportedBackends().find((b) => b.name === name);
  if (listed === undefined) return `onnxruntime-node ${ort.env.versions.common} does not list it`;
  try {
    const session = await ort.InferenceSession.create(probe(), { executionProviders: [name], ...ortSessionLogOptions() });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2, -3, 4]), [4]) });
    const data = out[session.outputNames[0]].data as Float32Array;
    await session.release();
    if (Array.from(data).join(',') !== '0,2,0,4') return 'it computed a wrong answer on a test model';
    return undefined;
  } catch (error) {
    return oneLine(error).slice(0, 200);
  }
}
