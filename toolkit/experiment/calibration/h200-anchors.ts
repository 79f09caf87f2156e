/**
 * The simulated H200 against the measurements of a lent H200 (datasets/devices/measurements/h200-2026-12-04.json, a
 * copy of ../shared/gpu-measurements/h200-2026-12-04/torch-reference.json; what was kept back of that run is not in
 * it and is never read here). Two things, both pure given the zoo's graphs:
 *
 *  1. `fitH200`: what each global term of the h200 profiles is fitted to, and how well each predicts a figure it was
 *     not fitted to (leave-one-out). Fitted to:
 *       links          the 16 measured copies (link.ts's rule gives each back exactly: fitted, not evidence)
 *       F, floor       the six models' graph-replay times (kernel launch 0.861 us and bandwidth 4.8 TB/s given)
 *       factors        each model's graph-replay time over what F and floor give it (per model: never evidence)
 *       H              the six models' eager times, with the factors in place (one number for all models)
 *       upload o, U    the six models' uploads (model.to from pageable memory), link copies given
 *       beta           the five pairs (ratio estimator)
 *  2. `h200Anchors`: every measured number beside the simulated one of a profile, with its relative error and
 *     whether the profile was fitted to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileOrder } from '../../graph/order';
import { propose } from '../../partition/propose';
import { demandModel, rangeDemand } from '../../partition/demand';
import { gpuRuntimeMemory } from '../../memory/gpu-runtime-memory';
import { DeviceProfile } from '../../sim/profile';
import { factsOfSpec, taskCost, TaskFacts, uploadExtraMs } from '../../sim/task-cost';
import { buildSimTasks, simTaskOf } from '../../sim/task-model';
import { profileCopyTime } from '../../sim/profile-links';
import { stretch } from '../../sim/sharing';
import { hostPipeline } from '../../sim/host-pipeline';
import { opTimesMs } from '../../sim/roofline';
import {
  Figure, HostData, fitHostPerKernel, fitInterference, fitRoofline, fitUpload, leaveOneOut, rooflineMs, uploadData, uploadModelMs, UploadData,
} from '../../sim/fit-terms';
import { OpWork } from '../../sim/op-work';
import { openModel } from '../model-source';

export const H200_MEASUREMENTS = path.join('datasets', 'devices', 'measurements', 'h200-2026-12-04.json');

interface Timing { readonly medianMs: number }
export interface H200Measurements {
  readonly device: { readonly contextBytes: number };
  readonly links: readonly { bytes: number; h2dPageableMs: number; h2dPinnedMs: number; d2hPageableMs: number; d2hPinnedMs: number }[];
  readonly launch: { readonly eagerOpUs: number; readonly perKernelInGraphUs: number };
  readonly pairs: readonly { model: string; beside: string; aloneMs: number; besideMs: number; slowdown: number }[];
  readonly models: readonly {
    model: string; batch: number; weightBytes: number; uploadPageableMs: number; activationPeakBytes: number; eager: Timing; graph: Timing;
  }[];
}

export function loadH200Measurements(repoRoot: string): H200Measurements {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, H200_MEASUREMENTS), 'utf8')) as H200Measurements;
}

/** What the simulator knows of a zoo model at batch 1: its task facts (one task) and its peak under the GPU rules. */
export interface ModelFacts {
  readonly facts: TaskFacts;
  /** Peak activation bytes under the GPU rules, less the graph inputs (allocated before a forward, as measured). */
  readonly gpuPeakBytes: number;
  /** The liveness definition's peak activation bytes. */
  readonly livenessPeakBytes: number;
}

export async function modelFacts(name: string): Promise<ModelFacts> {
  const model = await openModel(`zoo:${name}`, { batch: 1 });
  const order = fileOrder(model.graph);
  const plan = propose(model.graph, order, { granularity: 'model' });
  const facts = factsOfSpec(simTaskOf(buildSimTasks(plan)[0]));
  const whole = rangeDemand(demandModel(model.graph, order, gpuRuntimeMemory({ name: 'h200' })), 0, order.length);
  const inputs = model.graph.inputs.reduce((s, i) => s + model.graph.values[i].bytes, 0);
  const liveness = rangeDemand(demandModel(model.graph, order), 0, order.length);
  return { facts, gpuPeakBytes: whole.peakActivationBytes - inputs, livenessPeakBytes: liveness.peakActivationBytes };
}

export const LAUNCH_IN_GRAPH_MS = (m: H200Measurements) => m.launch.perKernelInGraphUs / 1000;
/** H200 HBM3e, data sheet (an assumption: the device's bandwidth was not measured). */
export const H200_MEMORY_BYTES_PER_S = 4.8e12;

export interface H200Fit {
  readonly peakFlopsPerS: number;
  readonly kernelFloorMs: number;
  /** Per model: graph time measured over the global terms' (fitted to that one number). */
  readonly factors: Record<string, number>;
  readonly hostPerKernelMs: number;
  readonly upload: { perTensorMs: number; bytesPerS: number };
  readonly interference: number;
  /** Leave-one-out relative errors of the global terms (no per-model factor). */
  readonly leaveOneOut: { graph: { name: string; relError: number }[]; eager: { name: string; relError: number }[]; upload: { name: string; relError: number }[] };
}

/** Fits the h200 terms (see the header for what is fitted to what); `profile` gives the links (its linkTables). */
export function fitH200(m: H200Measurements, facts: Readonly<Record<string, ModelFacts>>, linkProfile: DeviceProfile): H200Fit {
  const fixed = { memoryBytesPerS: H200_MEMORY_BYTES_PER_S, kernelLaunchMs: LAUNCH_IN_GRAPH_MS(m) };
  const graphFigures: Figure<readonly OpWork[]>[] = m.models.map((r) => ({ name: r.model, data: facts[r.model].facts.ops, measured: r.graph.medianMs }));
  const roof = fitRoofline(graphFigures, fixed);
  const params = { ...fixed, ...roof };
  const factors = Object.fromEntries(graphFigures.map((f) => [f.name, f.measured / rooflineMs(f.data, params)]));
  const eagerFigures: Figure<HostData>[] = m.models.map((r) => {
    const ops = facts[r.model].facts.ops;
    return { name: r.model, data: { deviceMs: opTimesMs(ops, params, factors[r.model]), launches: ops.map((o) => o.kernels > 0) }, measured: r.eager.medianMs };
  });
  const hostPerKernelMs = fitHostPerKernel(eagerFigures);
  const copy = profileCopyTime(linkProfile, 'h2d', 'pageable')!;
  const uploadFigures: Figure<UploadData>[] = m.models.map((r) => ({ name: r.model, data: uploadData(facts[r.model].facts.weightTensorBytes, copy), measured: r.uploadPageableMs }));
  const upload = fitUpload(uploadFigures);
  // Leave-one-out of the global terms alone: the eager one refits F, floor and H without the model (no factors).
  const globalEager = (rest: readonly Figure<readonly OpWork[]>[]) => {
    const r = { ...fixed, ...fitRoofline(rest.map((f) => ({ ...f, measured: m.models.find((x) => x.model === f.name)!.graph.medianMs })), fixed) };
    const h = fitHostPerKernel(rest.map((f) => ({
      name: f.name, data: { deviceMs: opTimesMs(f.data, r), launches: f.data.map((o) => o.kernels > 0) }, measured: m.models.find((x) => x.model === f.name)!.eager.medianMs,
    })));
    return { r, h };
  };
  const eagerByOps: Figure<readonly OpWork[]>[] = m.models.map((r) => ({ name: r.model, data: facts[r.model].facts.ops, measured: r.eager.medianMs }));
  return {
    ...roof, factors, hostPerKernelMs, upload, interference: fitInterference(m.pairs),
    leaveOneOut: {
      graph: leaveOneOut(graphFigures, (rest) => ({ ...fixed, ...fitRoofline(rest, fixed) }), (p, ops) => rooflineMs(ops, p)),
      eager: leaveOneOut(eagerByOps, globalEager, (p, ops) => hostPipeline(opTimesMs(ops, p.r), ops.map((o) => o.kernels > 0), p.h).aloneMs),
      upload: leaveOneOut(uploadFigures, fitUpload, (p, d) => uploadModelMs(d, p)),
    },
  };
}

export interface AnchorRow {
  readonly profile: string;
  readonly quantity: string;
  readonly item: string;
  readonly measured: number;
  readonly simulated: number;
  readonly unit: string;
  readonly relError: number;
  /** 'fitted' (the profile was fitted to this number: not evidence) or 'predicted'. */
  readonly basis: 'fitted' | 'predicted';
}

/**
 * A request alone as the measurement timed it, on a profile, ms: the forward only (CUDA events around it), so no
 * copies and no session.run overhead (runOverheadMs), which a PyTorch forward does not have.
 */
export function forwardMs(facts: TaskFacts, profile: DeviceProfile): number {
  const cost = taskCost(facts, profile);
  return cost.hostMs + cost.deviceMs;
}

/** Whole-model upload from pageable memory on a profile (one copy per tensor plus its upload terms), ms. */
export function profileUploadMs(facts: TaskFacts, profile: DeviceProfile, hostMemory: 'pageable' | 'pinned' = 'pageable'): number {
  const copy = profileCopyTime(profile, 'h2d', hostMemory);
  if (copy === undefined) return 0;
  return facts.weightTensorBytes.reduce((s, b) => s + copy(b) + uploadExtraMs(b, profile), 0);
}

/**
 * Throughput of K closed-loop clients of one batch-1 request over one client's, on a profile (sharing.ts): each
 * client's host part is its own, the device part is stretched by K tasks' sharing; forwards as the measurement ran
 * them (no session.run overhead, as `forwardMs`).
 */
export function replicaSpeedup(facts: TaskFacts, profile: DeviceProfile, k: number): number {
  const cost = taskCost(facts, profile);
  const host = cost.hostMs;
  const one = host + cost.deviceMs;
  const shares = Array.from({ length: k }, () => profile.taskShare.value);
  return (k * one) / (host + cost.deviceMs * stretch(shares, { interference: profile.interference.value }));
}

const rel = (sim: number, measured: number) => sim / measured - 1;

/** Every measured number beside the simulated one (`eagerProfile`: sim:h200; `graphProfile`: sim:h200-graph). */
export function h200Anchors(m: H200Measurements, facts: Readonly<Record<string, ModelFacts>>, eagerProfile: DeviceProfile, graphProfile: DeviceProfile): AnchorRow[] {
  const rows: AnchorRow[] = [];
  const add = (profile: DeviceProfile, quantity: string, item: string, measured: number, simulated: number, unit: string, basis: AnchorRow['basis']) => {
    rows.push({ profile: profile.name, quantity, item, measured, simulated, unit, relError: rel(simulated, measured), basis });
  };
  for (const l of m.links) {
    for (const [dir, kind, ms] of [['h2d', 'pageable', l.h2dPageableMs], ['h2d', 'pinned', l.h2dPinnedMs], ['d2h', 'pageable', l.d2hPageableMs], ['d2h', 'pinned', l.d2hPinnedMs]] as const) {
      add(eagerProfile, `copy ${dir} ${kind}`, `${l.bytes} B`, ms, profileCopyTime(eagerProfile, dir, kind)!(l.bytes), 'ms', 'fitted');
    }
  }
  for (const r of m.models) {
    const f = facts[r.model];
    if (f === undefined) continue;
    add(eagerProfile, 'request alone, eager', r.model, r.eager.medianMs, forwardMs(f.facts, eagerProfile), 'ms', 'fitted');
    add(graphProfile, 'request alone, graph', r.model, r.graph.medianMs, forwardMs(f.facts, graphProfile), 'ms', 'fitted');
    add(eagerProfile, 'upload, pageable', r.model, r.uploadPageableMs, profileUploadMs(f.facts, eagerProfile), 'ms', 'fitted');
    add(eagerProfile, 'activation peak (GPU rules)', r.model, r.activationPeakBytes, f.gpuPeakBytes, 'B', 'predicted');
  }
  for (const p of m.pairs) {
    const shares = [graphProfile.taskShare.value, graphProfile.taskShare.value];
    add(graphProfile, 'slowdown beside another', `${p.model} beside ${p.beside}`, p.slowdown, stretch(shares, { interference: graphProfile.interference.value }) - 1, 'ratio', 'fitted');
  }
  add(eagerProfile, 'CUDA context', 'device memory', m.device.contextBytes, eagerProfile.contextBytes?.value ?? 0, 'B', 'fitted');
  return rows;
}
