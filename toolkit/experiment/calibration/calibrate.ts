/**
 * `quilt sim calibrate`: measures this machine's cpu backend into a device profile (datasets/devices/cpu-here.json).
 *
 * Stages, each a median of repeated runs on the backend's worker lanes, one at a time unless said otherwise:
 *  1. a one-node model (Relu on 4 floats) and a 64-node chain of the same, each the fastest of many runs (fixed
 *     costs, to which other load can only add): per-kernel cost L = (t64 - t1) / 63, per-run overhead H = t1 - L
 *     (a lane round trip, session.run's own cost);
 *  2. peak compute: a [512 x 1024] x [1024 x 1024] MatMul, F = FLOPs / (t - H - L);
 *  3. memory bandwidth: ReduceSum over a 16 MiB weight along axes fed at run time (not foldable), W = 16 MiB / (t - H - L);
 *  3b. copying inputs into a lane: ReduceSum over a 16 MiB input, C = bytes / (t - H - L - 16 MiB / W); priced
 *     as an h2d link (the backend copies a request's host inputs into its worker lane; results come back without one);
 *  4. task boundaries: every workload model run as a chain of one task per layer (an operator with its activation), its cut tensors kept in the
 *     lane as the scheduler keeps them, against the model run whole. Splitting adds (tasks - 1) run overheads H,
 *     the extra host-input copies, and the extra boundary bytes (every task's inputs and outputs, less the whole
 *     model's): a session's outputs are copied into new buffers, its inputs converted into onnxruntime's layout,
 *     and nothing fuses across sessions. B = sum of extra boundary bytes / sum of (chain - whole - (tasks - 1) H -
 *     extra copies) over the models (taskBoundaryBytesPerS; where that sum is not positive, splitting costs nothing
 *     beyond H and B comes out huge: no boundary cost);
 *  5. per-model factors: each workload model run whole, alone; factor = (measured - H - its input copy - its own
 *     boundary bytes / B) / roofline(F, W, L);
 *  6. interference: each model measured while the next model of the workload loops on another lane (steady state,
 *     the two runs' phases not aligned, as in a schedule); with a share of 1 / lanes each the shares add up to 1, so
 *     beta = sum of (time beside - time alone) / sum of time alone (at least 0). A workload of one model: that
 *     model beside itself. Pair measurements need both cores, so other jobs on the machine skew them most: a load
 *     check (parallel-check.ts: two plain busy loops at once against one) goes into the notes; calibrate quiet.
 * Every number's source says "measured here, <date>" and what was measured.
 */
import * as fs from 'node:fs';
import { GraphBuilder } from '../../graph/builder';
import { writeModel } from '../../onnx/write';
import { Backend, Session, TensorHandle, tensorBytes } from '../../runtime/backend';
import { ShapedGraph, elementCount } from '../../graph/graph';
import { randomFeeds } from '../../runtime/feeds';
import { DeviceProfile, Sourced } from '../../sim/profile';
import { factsOfGraph } from '../../sim/task-cost';
import { opsTimeMs } from '../../sim/roofline';
import { loadWorkload, openMixModel } from '../workspace';
import { fileOrder } from '../../graph/order';
import { propose } from '../../partition/propose';
import { build } from '../../partition/build';
import { LoadedChain, loadChain, runChain } from '../../runtime/chain';
import { writeFileAtomic } from '../../core/atomic-write';
import { median } from '../../core/median';
import { WorkloadSpec } from '../../workload';
import { parallelRatio } from './parallel-check';

export interface CalibrateOptions {
  readonly backend: Backend;
  /** The workload whose models get per-model factors (a file or a parsed spec). */
  readonly workload: string | WorkloadSpec;
  /** Runs per measurement (median), default 7. */
  readonly repeats?: number;
  readonly name?: string;
  readonly onStage?: (stage: string) => void;
}


async function timeChain(chain: LoadedChain, feeds: Readonly<Record<string, TensorHandle>>, repeats: number): Promise<number> {
  for (let i = 0; i < 2; i++) await runChain(chain, feeds);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await runChain(chain, feeds);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Median time of `repeats` runs (`fastest`: the fastest one, for fixed costs, to which other load can only add). */
async function timeRuns(session: Session, feeds: Readonly<Record<string, TensorHandle>>, repeats: number, copies = 1, fastest = false): Promise<number> {
  for (let i = 0; i < 2; i++) await Promise.all(Array.from({ length: copies }, () => session.run(feeds)));
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: copies }, () => session.run(feeds)));
    times.push(performance.now() - t0);
  }
  return fastest ? Math.min(...times) : median(times);
}

function zeros(dims: number[]) {
  const n = elementCount(dims);
  return { dtype: 'float32' as const, dims, bytes: new Uint8Array(n * 4) };
}

function reluChain(n: number): Uint8Array {
  const b = new GraphBuilder(`relu${n}`);
  let x = b.input('x', 'float32', [4]);
  for (let i = 0; i < n; i++) x = b.op('Relu', [x], {}, `relu${i}`);
  b.output(x, 'float32', [4]);
  return writeModel(b.finish());
}

function matmul(m: number, k: number, n: number): Uint8Array {
  const b = new GraphBuilder('matmul');
  b.input('x', 'float32', [m, k]);
  b.initializer('w', zeros([k, n]));
  b.output(b.op('MatMul', ['x', 'w'], {}, 'mm'), 'float32', [m, n]);
  return writeModel(b.finish());
}

/** ReduceSum over a weight of `elements` floats along axes fed at run time (so it cannot be folded): reads w once. */
function streamSum(elements: number): Uint8Array {
  const b = new GraphBuilder('stream');
  b.input('axes', 'int64', [1]);
  b.initializer('w', zeros([elements]));
  b.output(b.op('ReduceSum', ['w', 'axes'], { keepdims: 0 }, 'sum'), 'float32', []);
  return writeModel(b.finish());
}

function reduceSumInput(elements: number): Uint8Array {
  const b = new GraphBuilder('reduce-input');
  b.input('x', 'float32', [elements]);
  b.output(b.op('ReduceSum', ['x'], { keepdims: 0 }, 'sum'), 'float32', []);
  return writeModel(b.finish());
}

interface Measured {
  readonly name: string;
  readonly graph: ShapedGraph;
  readonly session: Session;
  readonly feeds: Readonly<Record<string, TensorHandle>>;
  /** Median time of one run alone, ms. */
  readonly alone: number;
}

/** Median time of `m`'s runs while `other` runs back to back on another lane (it starts first). */
async function timeBeside(m: Measured, other: Measured, repeats: number): Promise<number> {
  let stop = false;
  const loop = (async () => { while (!stop) await other.session.run(other.feeds); })();
  const times: number[] = [];
  try {
    await m.session.run(m.feeds);
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      await m.session.run(m.feeds);
      times.push(performance.now() - t0);
    }
  } finally {
    stop = true;
    await loop;
  }
  return median(times);
}


/** Measures the backend into a profile. */
export async function calibrateCpu(options: CalibrateOptions): Promise<DeviceProfile> {
  const { backend } = options;
  const repeats = options.repeats ?? 7;
  const date = new Date().toISOString().slice(0, 10);
  const here = (what: string): string => `measured here, ${date}: ${what} (quilt sim calibrate on ${backend.device})`;
  const stage = options.onStage ?? (() => undefined);
  // The cpu backend runs one task per worker lane: its concurrency is its lane count.
  const lanes = backend.concurrency;
  const f32 = (dims: number[]) => backend.tensor('float32', new Float32Array(elementCount(dims)), dims);

  stage('launch and run overhead');
  const one = await backend.load(reluChain(1));
  const chain = await backend.load(reluChain(64));
  const t1 = await timeRuns(one, { x: f32([4]) }, repeats * 6, 1, true);
  const t64 = await timeRuns(chain, { x: f32([4]) }, repeats * 6, 1, true);
  const launch = Math.max(0, (t64 - t1) / 63);
  const overhead = Math.max(0, t1 - launch);

  stage('peak compute');
  const mm = await backend.load(matmul(512, 1024, 1024));
  const tmm = await timeRuns(mm, { x: f32([512, 1024]) }, repeats);
  const flops = (2 * 512 * 1024 * 1024) / ((tmm - overhead - launch) / 1000);

  stage('memory bandwidth');
  const elements = 4 * 2 ** 20;
  const rs = await backend.load(streamSum(elements));
  const trs = await timeRuns(rs, { axes: backend.tensor('int64', BigInt64Array.from([0n]), [1]) }, repeats);
  const bandwidth = (elements * 4) / (Math.max(1e-3, trs - overhead - launch) / 1000);
  const rsIn = await backend.load(reduceSumInput(elements));
  const tin = await timeRuns(rsIn, { x: f32([elements]) }, repeats);
  const laneCopy = (elements * 4) / (Math.max(1e-3, tin - overhead - launch - ((elements * 4) / bandwidth) * 1000) / 1000);
  for (const s of [one, chain, mm, rs, rsIn]) await s.dispose();

  const spec = loadWorkload(options.workload);
  const runOverhead: Sourced = { value: Number(overhead.toFixed(4)), source: here(`one Relu on 4 floats, fastest run ${t1.toFixed(3)} ms, less one kernel`) };
  const copyMs = (bytes: number) => (bytes / laneCopy) * 1000;
  const models: Measured[] = [];
  for (const entry of spec.models) {
    const model = await openMixModel(entry);
    const session = await backend.load(fs.readFileSync(model.file));
    const feeds = randomFeeds(model.graph, backend, 1);
    models.push({ name: model.graph.name, graph: model.graph, session, feeds, alone: await timeRuns(session, feeds, repeats) });
  }

  stage('task boundaries');
  let extraBytes = 0;
  let extraMs = 0;
  const chains: string[] = [];
  for (const m of models) {
    const plan = propose(m.graph, fileOrder(m.graph), { granularity: 'layer' });
    const chain = await loadChain(backend, build(plan), true);
    const tChain = await timeChain(chain, m.feeds, repeats);
    await chain.dispose();
    const wholeFacts = factsOfGraph(m.graph, m.name);
    const inputBytes = (vs: readonly number[]) => vs.filter((v) => m.graph.inputs.includes(v)).reduce((a, v) => a + m.graph.values[v].bytes, 0);
    const bytes = plan.tasks.reduce((a, t) => a + [...t.inputs, ...t.outputs].reduce((b, v) => b + m.graph.values[v].bytes, 0), 0) - wholeFacts.boundaryBytes;
    const copies = copyMs(plan.tasks.reduce((a, t) => a + inputBytes(t.inputs), 0) - inputBytes(m.graph.inputs));
    extraBytes += bytes;
    extraMs += tChain - m.alone - (plan.tasks.length - 1) * overhead - copies;
    chains.push(`${m.name} ${plan.tasks.length} tasks ${tChain.toFixed(1)} ms against whole ${m.alone.toFixed(1)} ms`);
  }
  const boundaryRate = extraBytes / (Math.max(1e-3, extraMs) / 1000);
  const boundary: Sourced = {
    value: Math.round(boundaryRate),
    source: here(`one task per layer, cut tensors kept in the lane (${chains.join('; ')}): ${(extraBytes / 2 ** 20).toFixed(1)} MiB more crossing task boundaries took ${extraMs.toFixed(1)} ms more, less the run overheads and extra input copies`),
  };

  stage('per-model factors');
  const factors: Record<string, Sourced> = {};
  const params = { peakFlopsPerS: flops, memoryBytesPerS: bandwidth, kernelLaunchMs: launch };
  for (const m of models) {
    const facts = factsOfGraph(m.graph, m.name);
    const predicted = opsTimeMs(facts.ops, params);
    const inputMs = copyMs(Object.values(m.feeds).reduce((sum, t) => sum + tensorBytes(t), 0));
    const edgeMs = (facts.boundaryBytes / boundaryRate) * 1000;
    factors[m.name] = {
      value: Number((Math.max(0, m.alone - overhead - inputMs - edgeMs) / predicted).toFixed(4)),
      source: here(`whole ${m.name} alone ${m.alone.toFixed(2)} ms, minus the run overhead, the input copy and its boundary tensors, over its roofline time ${predicted.toFixed(2)} ms`),
    };
  }

  let beta = 0;
  let betaSource = here('one lane: no interference');
  if (lanes > 1 && models.length > 0) {
    stage('interference');
    let slower = 0;
    let alone = 0;
    const pairs: string[] = [];
    for (const [i, m] of models.entries()) {
      const other = models[(i + 1) % models.length];
      const beside = await timeBeside(m, other, repeats);
      slower += beside - m.alone;
      alone += m.alone;
      pairs.push(`${m.name} ${beside.toFixed(1)} ms beside ${other.name} against ${m.alone.toFixed(1)} alone`);
    }
    beta = Math.max(0, slower / alone);
    betaSource = here(`each model while the next one loops on another lane: ${pairs.join('; ')}`);
  }
  for (const m of models) await m.session.dispose();
  const loadRatio = lanes > 1 ? await parallelRatio() : 1;

  return {
    name: options.name ?? 'cpu-here',
    title: `this machine's CPU (${backend.device})`,
    regime: `onnxruntime-node CPU provider in ${lanes} worker lanes, FP32, batch 1`,
    hasDeviceMemory: false,
    concurrency: { value: lanes, source: here('the cpu backend runs one task per worker lane') },
    lanes: { value: lanes, source: here('the cpu backend\'s worker lanes, each keeping the cut tensors it made (runtime/cpu-backend.ts)') },
    peakFlopsPerS: { float32: { value: Math.round(flops), source: here(`a 512x1024x1024 MatMul on one lane, ${tmm.toFixed(2)} ms`) } },
    memoryBytesPerS: { value: Math.round(bandwidth), source: here(`ReduceSum over a 16 MiB weight on one lane, ${trs.toFixed(2)} ms`) },
    kernelLaunchMs: { value: Number(launch.toFixed(5)), source: here(`64 chained Relu nodes on 4 floats ${t64.toFixed(3)} ms against one ${t1.toFixed(3)} ms, fastest runs`) },
    runOverheadMs: runOverhead,
    taskBoundaryBytesPerS: boundary,
    taskShare: { value: 1 / lanes, source: here(`one lane is one of ${lanes} lanes with its own cores`) },
    interference: { value: Number(beta.toFixed(4)), source: betaSource },
    h2d: {
      bytesPerS: { value: Math.round(laneCopy), source: here(`ReduceSum over a 16 MiB input on one lane, ${tin.toFixed(2)} ms, less the run overhead and the read at the measured bandwidth`) },
      latencyMs: { value: 0, source: here('folded into the run overhead (the one-node run sends its input too)') },
    },
    modelFactors: factors,
    notes: [
      `Workload whose models were measured: ${spec.name}.`,
      `Load check: two busy loops at once took ${loadRatio.toFixed(2)}x one alone (near 1 on idle cores; well above 1, other jobs held a core and the interference is theirs).`,
      'Per-model factors scale the operators\' roofline time of every task of that model (whole, quilt tasks, layers).',
      'Transfers: a request\'s host inputs are copied into a worker lane (the h2d link); cut tensors stay in the lane that made them; no weights move, nothing comes back by copy.',
      'Task boundaries: every task\'s inputs and outputs cost their bytes over taskBoundaryBytesPerS (one-operator chains against whole models).',
    ],
  };
}

/** Writes a profile as JSON (atomically). */
export function writeProfile(profile: DeviceProfile, file: string): void {
  writeFileAtomic(file, `${JSON.stringify(profile, null, 2)}\n`);
}
