/**
 * Partitioning a model for people and files: open it, propose a plan at a threshold and granularity,
 * validate it, and describe it in plain numbers (what `quilt partition --json` prints and plan.json holds).
 */
import * as path from 'node:path';
import { fileOrder } from '../graph/order';
import { analyzeMemory } from '../memory/profile';
import { reduceMemoryOrder } from '../memory/reorder';
import { build } from '../partition/build';
import { RuntimeMemoryModel } from '../memory/runtime-memory';
import { Granularity, PartitionPlan } from '../partition/plan';
import { propose } from '../partition/propose';
import { validate } from '../partition/validate';
import { QuiltError } from '../core/errors';
import { writeFileAtomic } from '../core/atomic-write';
import { ModelOptions, OpenedModel, openModel } from './model-source';

export const GRANULARITIES: readonly Granularity[] = ['quilt', 'layer', 'model'];

/** 'file': the model's own order; 'reduced': the peak-reducing reorder (beyond the paper, off by default). */
export type OrderChoice = 'file' | 'reduced';

export interface PartitionRequest extends ModelOptions {
  readonly granularity?: Granularity;
  readonly order?: OrderChoice;
  /** Bytes, a size with a unit ('64MiB'), a share of the model's demand ('50%') or of its peak ('50%peak'); required for `quilt`. */
  readonly threshold?: number | string;
  /** The runtime's own memory to include in demands (see memory/runtime-memory.ts); default: liveness only. */
  readonly runtime?: RuntimeMemoryModel;
}

export function checkGranularity(name: string): Granularity {
  if (!(GRANULARITIES as readonly string[]).includes(name)) {
    throw new QuiltError(`--granularity: '${name}' is not one of ${GRANULARITIES.join(', ')}`);
  }
  return name as Granularity;
}

export function checkOrderChoice(name: string): OrderChoice {
  if (name !== 'file' && name !== 'reduced') throw new QuiltError(`--order: '${name}' is not one of file, reduced`);
  return name;
}

/** The node order to cut: the file's, or the peak-reducing one. */
export function chooseOrder(model: OpenedModel, choice: OrderChoice): number[] {
  const order = fileOrder(model.graph);
  return choice === 'reduced' ? [...reduceMemoryOrder(model.graph, order).order] : order;
}

/** Proposes and validates a plan for an already opened model. */
export function partitionModel(model: OpenedModel, request: PartitionRequest): PartitionPlan {
  const granularity = request.granularity ?? 'quilt';
  if (granularity === 'quilt' && request.threshold === undefined) {
    throw new QuiltError('quilt granularity needs a threshold (--threshold 64MiB, 1.5GiB, 50% of the model\'s demand or a byte count)');
  }
  const plan = propose(model.graph, chooseOrder(model, request.order ?? 'file'), { granularity, threshold: request.threshold, runtime: request.runtime });
  validate(plan);
  return plan;
}

export async function openAndPartition(ref: string, request: PartitionRequest) {
  const model = await openModel(ref, request);
  return { model, plan: partitionModel(model, request) };
}

/** The plan in plain numbers: every size in bytes, tensors by name. */
export function describePartition(plan: PartitionPlan) {
  const g = plan.graph;
  const tensor = (v: number) => ({ name: g.values[v].name, bytes: g.values[v].bytes });
  return {
    model: plan.model,
    granularity: plan.granularity,
    threshold: plan.thresholdBytes,
    thresholdPercent: Math.round((1e4 * plan.thresholdBytes) / Math.max(1, plan.modelDemandBytes)) / 100,
    modelDemandBytes: plan.modelDemandBytes,
    minFeasibleThreshold: plan.minFeasibleThreshold,
    modelPeakBytes: analyzeMemory(g, plan.order).peakBytes,
    runtime: plan.runtime?.name ?? 'liveness only',
    ...(plan.runtime?.calibration === undefined ? {} : { runtimeCalibration: plan.runtime.calibration }),
    taskCount: plan.tasks.length,
    tasks: plan.tasks.map((t) => ({
      index: t.index,
      opCount: t.nodes.length,
      firstOp: g.nodes[t.nodes[0]]?.name ?? '',
      lastOp: g.nodes[t.nodes[t.nodes.length - 1]]?.name ?? '',
      peakBytes: t.demandBytes,
      weightBytes: t.weightBytes,
      runtimeBytes: t.runtimeBytes ?? 0,
      peakActivationBytes: t.peakActivationBytes,
      inputs: t.inputs.map(tensor),
      outputs: t.outputs.map(tensor),
    })),
    cutBytes: plan.cutBytes,
    poolBytes: plan.pool.poolBytes,
    poolBytesWithoutReuse: plan.pool.noReuseBytes,
    poolSlots: plan.pool.slots.map((s) => ({ tensor: g.values[s.value].name, offset: s.offset, size: s.size, fromTask: s.fromTask, toTask: s.toTask })),
  };
}

/** Writes task-<k>.onnx for every task and plan.json into `dir` (each file atomically). */
export function writePartition(plan: PartitionPlan, dir: string): string[] {
  const files: string[] = [];
  const write = (name: string, data: Uint8Array | string) => {
    const file = path.join(dir, name);
    writeFileAtomic(file, data);
    files.push(file);
  };
  const width = String(plan.tasks.length - 1).length;
  const models = build(plan);
  models.forEach((m) => write(`task-${String(m.task).padStart(width, '0')}.onnx`, m.bytes));
  write('plan.json', `${JSON.stringify({
    ...describePartition(plan),
    taskFiles: files.map((f) => path.basename(f)),
    taskIO: models.map((m) => ({ task: m.task, inputs: m.inputNames, outputs: m.outputNames })),
  }, null, 2)}\n`);
  return files;
}
