/**
 * A partition plan as Triton model configurations (plain objects in model_config.proto's field names; schema.ts
 * checks them, text-format.ts writes them):
 *  - each task a model on Triton's onnxruntime backend, its inputs and outputs the task's (names, dtypes and the
 *    plan's concrete shapes, batch included, so `max_batch_size: 0`), one instance whose rate limiter asks for
 *    `count` units of one memory resource: count = ceil(predicted activation demand / unit), the task's
 *    `peakActivationBytes` (its live activations, the cut tensors it reads and writes, the runtime's per-step
 *    terms), not its weights, which Triton keeps loaded;
 *  - each model an ensemble (`platform: "ensemble"`) of its tasks in order, each step mapping its model's tensor
 *    names to ensemble tensors of the same names (the task models keep the whole model's names), so the cut
 *    tensors are the ensemble's internal tensors.
 */
import { DType } from '../../core/dtype';
import { ShapedGraph } from '../../graph/graph';
import { PartitionPlan, Task } from '../../partition/plan';

export type InstanceKind = 'KIND_CPU' | 'KIND_GPU';

/** Triton's DataType for each of the toolkit's dtypes. */
export const TRITON_DTYPE: Readonly<Record<DType, string>> = {
  float32: 'TYPE_FP32', float16: 'TYPE_FP16', bfloat16: 'TYPE_BF16', float64: 'TYPE_FP64',
  int8: 'TYPE_INT8', uint8: 'TYPE_UINT8', int16: 'TYPE_INT16', uint16: 'TYPE_UINT16',
  int32: 'TYPE_INT32', uint32: 'TYPE_UINT32', int64: 'TYPE_INT64', uint64: 'TYPE_UINT64',
  bool: 'TYPE_BOOL', string: 'TYPE_STRING',
};

/** The toolkit's dtype of a Triton DataType name; undefined for one it has none for. */
export function dtypeOfTriton(name: string): DType | undefined {
  return (Object.keys(TRITON_DTYPE) as DType[]).find((d) => TRITON_DTYPE[d] === name);
}

/** The rate-limiter resource for units of `unitMiB` MiB. */
export function resourceName(unitMiB: number): string {
  return `quilt_activation_${unitMiB}mib`;
}

/** The Triton model name of a task. */
export function taskModelName(ensemble: string, task: number, taskCount: number): string {
  return `${ensemble}-task${String(task).padStart(String(taskCount - 1).length, '0')}`;
}

/** Units of `unitBytes` a task's activations take: ceil(peakActivationBytes / unit). */
export function resourceCount(task: Task, unitBytes: number): number {
  return Math.ceil(task.peakActivationBytes / unitBytes);
}

function tensorConfig(graph: ShapedGraph, value: number) {
  const v = graph.values[value];
  return { name: v.name, data_type: TRITON_DTYPE[v.dtype], dims: [...v.shape] };
}

export interface TaskConfigOptions {
  readonly name: string;
  readonly kind: InstanceKind;
  readonly resource: string;
  readonly count: number;
}

export function taskConfig(plan: PartitionPlan, task: Task, options: TaskConfigOptions): Record<string, unknown> {
  return {
    name: options.name,
    backend: 'onnxruntime',
    max_batch_size: 0,
    input: task.inputs.map((v) => tensorConfig(plan.graph, v)),
    output: task.outputs.map((v) => tensorConfig(plan.graph, v)),
    instance_group: [{
      count: 1,
      kind: options.kind,
      rate_limiter: { resources: [{ name: options.resource, count: options.count }] },
    }],
  };
}

/** The ensemble of a plan's tasks (named by `taskNames`, in task order). */
export function ensembleConfig(plan: PartitionPlan, name: string, taskNames: readonly string[]): Record<string, unknown> {
  const g = plan.graph;
  const identity = (values: readonly number[]) => Object.fromEntries(values.map((v) => [g.values[v].name, g.values[v].name]));
  return {
    name,
    platform: 'ensemble',
    max_batch_size: 0,
    input: g.inputs.map((v) => tensorConfig(g, v)),
    output: g.outputs.map((v) => tensorConfig(g, v)),
    ensemble_scheduling: {
      step: plan.tasks.map((t, i) => ({ model_name: taskNames[i], model_version: -1, input_map: identity(t.inputs), output_map: identity(t.outputs) })),
    },
  };
}
