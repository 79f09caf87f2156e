/**
 * Fake models for scheduler tests: a model is a chain of layers (weight bytes, peak activation bytes, output
 * bytes, run time). `fakeDeployment` groups the chain into tasks for a granularity, loads one fake session
 * per task and returns a Deployment, as the experiment code does with real plans:
 *  - model: one task; layer: one task per layer;
 *  - quilt: greedy contiguous groups whose demand (sum of weights + largest activation peak) stays within
 *    the threshold (a layer above the threshold gets a task of its own).
 * A task's demand = its weights + its largest layer activation; its run time = the sum of its layers'.
 * Cut tensors are the outputs of each task's last layer; the pool holds two consecutive cuts at most.
 * With a `FakeLink`, a task's weights are uploaded on a ledger miss (or a prefetch) over one FIFO copy engine
 * taking `msPerKiB` per KiB of weights, as the simulated device's h2d engine does; without one, sessions stay
 * loaded (as on the cpu backend) and nothing is uploaded.
 */
import { Granularity } from '../partition/plan';
import { FakeBackend, FakeTensorSpec, encodeFakeModel } from '../runtime/fake-backend.test-helper';
import { TensorHandle } from '../runtime/backend';
import { Rng } from '../core/prng';
import { DeployedTask, Deployment } from './deployment';

export interface FakeLayer {
  readonly weightBytes: number;
  readonly activationBytes: number;
  readonly outputBytes: number;
  readonly costMs: number;
}

/** A host-to-device copy engine for fake uploads: one copy at a time, in issue order. */
export class FakeLink {
  private freeAtMs = 0;
  /** Uploads started, in order, as weights keys. */
  readonly uploads: string[] = [];
  constructor(private readonly clock: { now(): number; sleep(ms: number): Promise<void> }, readonly msPerKiB: number) {}

  upload(key: string, bytes: number): Promise<void> {
    this.uploads.push(key);
    const start = Math.max(this.clock.now(), this.freeAtMs);
    this.freeAtMs = start + (bytes / 1024) * this.msPerKiB;
    return this.clock.sleep(this.freeAtMs - this.clock.now());
  }
}

export interface FakeDeploymentOptions {
  /** Upload weights over this link on a miss (default: sessions stay loaded, nothing uploads). */
  readonly link?: FakeLink;
  /** Sessions keep their cut tensors on the device (default: they hand every output back in host memory). */
  readonly keepCutsOnDevice?: boolean;
}

export interface FakeModel {
  readonly name: string;
  readonly inputBytes: number;
  readonly layers: readonly FakeLayer[];
}

function tensor(name: string, bytes: number): FakeTensorSpec {
  return { name, dims: [Math.max(1, Math.round(bytes / 4))], type: 'float32' };
}

const inputName = (m: FakeModel): string => `${m.name}:input`;
const layerOutput = (m: FakeModel, i: number): string => `${m.name}:layer${i}`;

/** Contiguous groups of layer indices for the granularity. */
export function groupLayers(model: FakeModel, granularity: Granularity, thresholdBytes = Infinity): number[][] {
  const all = model.layers.map((_, i) => i);
  if (granularity === 'model') return [all];
  if (granularity === 'layer') return all.map((i) => [i]);
  const groups: number[][] = [];
  let current: number[] = [];
  let weights = 0;
  let peak = 0;
  for (const i of all) {
    const l = model.layers[i];
    if (current.length > 0 && weights + l.weightBytes + Math.max(peak, l.activationBytes) > thresholdBytes) {
      groups.push(current);
      current = [];
      weights = 0;
      peak = 0;
    }
    current.push(i);
    weights += l.weightBytes;
    peak = Math.max(peak, l.activationBytes);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export async function fakeDeployment(
  backend: FakeBackend,
  model: FakeModel,
  granularity: Granularity,
  thresholdBytes = Infinity,
  options: FakeDeploymentOptions = {},
): Promise<Deployment> {
  const groups = groupLayers(model, granularity, thresholdBytes);
  const tasks: DeployedTask[] = [];
  const cutBytes: number[] = [];
  for (let t = 0; t < groups.length; t++) {
    const layers = groups[t].map((i) => model.layers[i]);
    const first = groups[t][0];
    const last = groups[t][groups[t].length - 1];
    const input = first === 0 ? tensor(inputName(model), model.inputBytes)
      : tensor(layerOutput(model, first - 1), model.layers[first - 1].outputBytes);
    const output = tensor(layerOutput(model, last), model.layers[last].outputBytes);
    if (t < groups.length - 1) cutBytes.push(model.layers[last].outputBytes);
    const weightBytes = layers.reduce((s, l) => s + l.weightBytes, 0);
    const peak = layers.reduce((m, l) => Math.max(m, l.activationBytes), 0);
    const session = await backend.load(encodeFakeModel({
      model: model.name, task: t, inputs: [input], outputs: [output],
      costMs: layers.reduce((s, l) => s + l.costMs, 0),
    }), { outputsOnDevice: options.keepCutsOnDevice === true && t < groups.length - 1 });
    const weightsKey = `${model.name}/${granularity}@${thresholdBytes}/${t}`;
    const link = options.link;
    tasks.push({
      demandBytes: weightBytes + peak,
      weightBytes,
      weightsKey,
      session,
      inputNames: [input.name],
      outputNames: [output.name],
      ...(link ? { loadWeights: () => link.upload(weightsKey, weightBytes) } : {}),
    });
  }
  let poolBytes = 0;
  for (let k = 0; k < cutBytes.length; k++) poolBytes = Math.max(poolBytes, cutBytes[k] + (cutBytes[k + 1] ?? 0));
  return {
    model: model.name,
    granularity,
    tasks,
    poolBytes,
    outputNames: [layerOutput(model, model.layers.length - 1)],
  };
}

/** The input feeds of a fake model's request. */
export function fakeInputs(model: FakeModel): Record<string, TensorHandle> {
  const spec = tensor(inputName(model), model.inputBytes);
  return { [spec.name]: { dims: spec.dims, type: 'float32', location: 'cpu' } };
}

/** A random chain model: 2-12 layers, sizes in KiB-ish units, run times 1-20 ms. */
export function randomFakeModel(rng: Rng, name: string): FakeModel {
  const layers: FakeLayer[] = [];
  const count = rng.int(2, 12);
  for (let i = 0; i < count; i++) {
    layers.push({
      weightBytes: 1024 * rng.int(0, 64),
      activationBytes: 1024 * rng.int(4, 64),
      outputBytes: 1024 * rng.int(1, 16),
      costMs: rng.int(1, 20),
    });
  }
  return { name, inputBytes: 1024 * rng.int(1, 16), layers };
}
