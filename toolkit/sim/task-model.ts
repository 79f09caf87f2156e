/**
 * Task models for the sim backend, made from a partition plan without writing ONNX: simulated tasks
 * (partition/build.ts's `SimulatedTaskModel`) whose description says the task's operators' work, its weight bytes,
 * its inputs and outputs with dims and types. Writing the real task models copies every weight (seconds per model)
 * only for the simulator to read their shapes back; this carries the same facts. The sim backend also accepts
 * ONNX models (sim-backend.ts), and both give the same cost for the same task (tested).
 */
import { QuiltError } from '../core/errors';
import { SimulatedTaskModel } from '../partition/build';
import { PartitionPlan } from '../partition/plan';
import { opWork, OpWork } from './op-work';

export const SIM_TASK_FORMAT = 'quilt-sim-task/1';

export interface SimTaskSpec {
  readonly format: typeof SIM_TASK_FORMAT;
  readonly model: string;
  readonly task: number;
  /** Per operator: [flops, bytes, kernels]. */
  readonly ops: readonly (readonly [number, number, number])[];
  readonly weightBytes: number;
  /** Element type of the weights ('float32' when none). */
  readonly computeType: string;
  readonly inputs: readonly { name: string; dims: number[]; type: string }[];
  readonly outputs: readonly { name: string; dims: number[]; type: string }[];
}

/** One task's description. */
export function simTaskSpec(plan: PartitionPlan, index: number): SimTaskSpec {
  const g = plan.graph;
  const task = plan.tasks[index];
  const tensor = (v: number) => ({ name: g.values[v].name, dims: [...g.values[v].shape], type: g.values[v].dtype as string });
  const weights = task.weights ?? [];
  const computeType = weights.map((w) => g.values[w].dtype as string).find((t) => t.startsWith('float')) ?? 'float32';
  return {
    format: SIM_TASK_FORMAT,
    model: plan.model,
    task: task.index,
    ops: task.nodes.map((n) => { const w = opWork(g, g.nodes[n]); return [w.flops, w.bytes, w.kernels] as const; }),
    weightBytes: task.weightBytes,
    computeType,
    inputs: task.inputs.map(tensor),
    outputs: task.outputs.map(tensor),
  };
}

/** Task models for the sim backend, one simulated task per plan task (in the order of partition's `build`). */
export function buildSimTasks(plan: PartitionPlan): SimulatedTaskModel[] {
  return plan.tasks.map((task, i) => {
    const spec = simTaskSpec(plan, i);
    return {
      kind: 'simulated',
      task: task.index,
      model: plan.model,
      description: spec,
      inputNames: spec.inputs.map((t) => t.name),
      outputNames: spec.outputs.map((t) => t.name),
    };
  });
}

/** The description of a simulated task this simulator made (a QuiltError for any other description). */
export function simTaskOf(model: SimulatedTaskModel): SimTaskSpec {
  const spec = model.description as Partial<SimTaskSpec> | null;
  if (spec === null || typeof spec !== 'object' || spec.format !== SIM_TASK_FORMAT) {
    throw new QuiltError(`task ${model.task} of '${model.model}' is not a ${SIM_TASK_FORMAT} description`);
  }
  return spec as SimTaskSpec;
}

export function opsOf(spec: SimTaskSpec): OpWork[] {
  return spec.ops.map(([flops, bytes, kernels]) => ({ flops, bytes, kernels }));
}
