/**
 * Memory truth: each task of a plan runs alone in a fresh child process (`runtime/session-memory.ts`) on the cpu backend's
 * session options, and its measured memory is set beside the plan's predicted demand.
 *
 * Stages: (1) build the task models and write each to a temporary file, with a tiny warm-up model; (2) for each
 * task, one at a time, start the probe with the task's inputs (name, dtype, shape, integer bound) and read its
 * result; (3) relError = (measured - predicted) / measured per task, maxRelError = the largest |relError|.
 * One child at a time, so that tasks never share a process and never compete for memory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTask } from '../partition/build';
import { PartitionPlan } from '../partition/plan';
import { cpuLaneLayout } from '../runtime/cpu-session-options';
import { integerBound } from '../runtime/feeds';
import { probeModel } from '../runtime/session-memory';

export { calibrateSessionBytes, PROBE_MALLOC_ENV } from '../runtime/session-memory';

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
      const result = await probeModel(dir, `task-${task.index}`, buildTask(plan, task).bytes, inputs, threads);
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
