/**
 * build(plan): emits one standalone ONNX model per task of a partition plan.
 * Each task model reads the task's inputs (graph inputs and cut tensors) by their names in the whole model,
 * carries the weights its nodes read, and writes the task's outputs (cut tensors and graph outputs) by name,
 * so that chaining the task models is a matter of passing tensors along by name.
 */
import { extractSubgraph } from '../graph/subgraph';
import { writeModel } from '../onnx/write';
import { PartitionPlan, Task } from './plan';

export interface TaskModel {
  readonly task: number;
  readonly bytes: Uint8Array;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

export function buildTask(plan: PartitionPlan, task: Task): TaskModel {
  const graph = extractSubgraph(plan.graph, task.nodes, {
    inputs: task.inputs, outputs: task.outputs, name: `${plan.model}.task${task.index}`,
  });
  const nameOf = (i: number) => plan.graph.values[i].name;
  return {
    task: task.index,
    bytes: writeModel(graph, { producer: 'quilt-toolkit' }),
    inputNames: task.inputs.map(nameOf),
    outputNames: task.outputs.map(nameOf),
  };
}

export function build(plan: PartitionPlan): TaskModel[] {
  return plan.tasks.map((task) => buildTask(plan, task));
}
