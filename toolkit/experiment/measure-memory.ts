/**
 * Memory truth: each task of a plan runs alone in a fresh child process (`memory-probe.ts`) on the cpu backend's
 * session options, and its measured memory is set beside the plan's predicted demand.
 *
 * Stages: (1) build the task models and write each to a temporary file, with a tiny warm-up model; (2) for each
 * task, one at a time, start the probe with the task's inputs (name, dtype, shape, integer bound) and read its
 * result; (3) relError = (measured - predicted) / measured per task, maxRelError = the largest |relError|.
 * One child at a time, so that tasks never share a process and never compete for memory.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/atomic-write';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';
import { buildTask } from '../partition/build';
import { PartitionPlan } from '../partition/plan';
import { cpuLaneLayout } from '../runtime/cpu-session-options';
import { integerBound } from '../runtime/feeds';
import { findRepoRoot } from '../zoo/cache';
import { ProbeRequest, ProbeResult } from './memory-probe';

export interface TaskMemory {
  readonly index: number;
  readonly predictedBytes: number;
  readonly measuredBytes: number;
  /** (measured - predicted) / measured. */
  readonly relError: number;
  /** Resident bytes of the created session before any run (weights as the runtime keeps them). */
  readonly sessionBytes: number;
}

export interface MemoryTruth {
  readonly model: string;
  readonly tasks: readonly TaskMemory[];
  /** The largest |relError| over the tasks. */
  readonly maxRelError: number;
}

export interface MeasureOptions {
  /** Intra-op threads; default: the cpu backend's default (cores / lanes). */
  readonly threads?: number;
  /** Values of graph inputs by name (`--input-value`), fed as given; other inputs get a fixed pattern. */
  readonly inputValues?: Readonly<Record<string, readonly number[]>>;
  /** Called after each task is measured. */
  readonly onTask?: (task: TaskMemory, done: number, total: number) => void;
}

export function relativeError(measured: number, predicted: number): number {
  return measured > 0 ? (measured - predicted) / measured : 0;
}

function warmupModel(): Uint8Array {
  const b = new GraphBuilder('warmup');
  b.input('x', 'float32', [1, 4]);
  b.output(b.op('Relu', ['x']), 'float32', [1, 4]);
  return writeModel(b.finish());
}

/**
 * glibc's malloc keeps freed memory in the process by default (and raises its mmap threshold after each large
 * free), so VmRSS would count the garbage of session creation (the decoded file, weights before layout changes)
 * as if the session held it: 2.6x the weights for ResNet-50. With a fixed mmap threshold and trimming at every
 * free, freed blocks go back to the system and VmRSS is the memory in use. onnxruntime's own arena is untouched.
 */
export const PROBE_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '0' };

function runProbe(requestFile: string): Promise<ProbeResult> {
  const script = path.join(__dirname, 'memory-probe.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script, requestFile], { maxBuffer: 1 << 20, env: { ...process.env, ...PROBE_MALLOC_ENV } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the memory probe failed: ${stderr.trim() || error.message}`));
      else resolve(JSON.parse(stdout) as ProbeResult);
    });
  });
}

/** Measures one model file in a fresh probe process. */
async function probeFile(
  dir: string, name: string, bytes: Uint8Array, inputs: ProbeRequest['inputs'], threads: number,
): Promise<ProbeResult> {
  const warmupFile = path.join(dir, 'warmup.onnx');
  if (!fs.existsSync(warmupFile)) fs.writeFileSync(warmupFile, warmupModel());
  const modelFile = path.join(dir, `${name}.onnx`);
  fs.writeFileSync(modelFile, bytes);
  const requestFile = path.join(dir, `${name}.json`);
  fs.writeFileSync(requestFile, JSON.stringify({ modelFile, warmupFile, threads, inputs }));
  try {
    return await runProbe(requestFile);
  } finally {
    fs.rmSync(modelFile, { force: true });
  }
}

/**
 * The `session` term of the cpu backend: the resident bytes of a one-node session (a Relu on 4 floats) and its
 * run, measured once per onnxruntime version, CPU and thread count, and cached in `.cache/memory/`.
 */
export async function calibrateSessionBytes(threads?: number): Promise<number> {
  const t = threads ?? cpuLaneLayout(os.cpus().length).threads;
  const key = `ort-${ortVersion()}-${os.cpus()[0]?.model ?? 'cpu'}-${t}t`.replace(/[^A-Za-z0-9.-]+/g, '_');
  const cacheFile = path.join(findRepoRoot(), '.cache', 'memory', `session-${key}.json`);
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { sessionBytes: number };
    if (Number.isFinite(cached.sessionBytes)) return cached.sessionBytes;
  } catch { /* not cached yet */ }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-memory-'));
  try {
    const results: number[] = [];
    for (let i = 0; i < 3; i++) {
      results.push((await probeFile(dir, 'one-node', warmupModel(), [{ name: 'x', dtype: 'float32', dims: [1, 4], bound: 4 }], t)).measuredBytes);
    }
    const sessionBytes = Math.min(...results);
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileAtomic(cacheFile, `${JSON.stringify({ sessionBytes, measured: results, threads: t })}\n`);
    return sessionBytes;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function ortVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function measurePlanMemory(plan: PartitionPlan, options: MeasureOptions = {}): Promise<MemoryTruth> {
  const threads = options.threads ?? cpuLaneLayout(os.cpus().length).threads;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-memory-'));
  try {
    const tasks: TaskMemory[] = [];
    for (const task of plan.tasks) {
      const spec = (v: number, bound: number) => {
        const value = plan.graph.values[v];
        return { name: value.name, dtype: value.dtype, dims: value.shape, bound, values: options.inputValues?.[value.name] };
      };
      const inputs = task.inputs.map((v) => spec(v, integerBound(plan.graph, v)));
      const result = await probeFile(dir, `task-${task.index}`, buildTask(plan, task).bytes, inputs, threads);
      const measured = result.measuredBytes;
      const row: TaskMemory = {
        index: task.index, predictedBytes: task.demandBytes, measuredBytes: measured,
        relError: relativeError(measured, task.demandBytes), sessionBytes: result.sessionBytes,
      };
      tasks.push(row);
      options.onTask?.(row, tasks.length, plan.tasks.length);
    }
    return { model: plan.model, tasks, maxRelError: tasks.reduce((m, t) => Math.max(m, Math.abs(t.relError)), 0) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One task's predicted demand, by term, beside its measured memory: what notebooks and the bench tabulate. */
export interface MemoryTruthRow {
  readonly task: number;
  readonly weightBytes: number;
  readonly runtimeBytes: number;
  readonly peakActivationBytes: number;
  readonly predictedBytes: number;
  readonly measuredBytes: number;
  readonly relError: number;
}

export function memoryTruthRows(plan: PartitionPlan, truth: MemoryTruth): MemoryTruthRow[] {
  return truth.tasks.map((t) => {
    const task = plan.tasks[t.index];
    return {
      task: t.index, weightBytes: task.weightBytes, runtimeBytes: task.runtimeBytes ?? 0, peakActivationBytes: task.peakActivationBytes,
      predictedBytes: t.predictedBytes, measuredBytes: t.measuredBytes, relError: t.relError,
    };
  });
}
