/**
 * build(plan): emits one standalone ONNX model per task of a partition plan.
 * Each task model reads the task's inputs (graph inputs and cut tensors) by their names in the whole model,
 * carries the weights its nodes read, and writes the task's outputs (cut tensors and graph outputs) by name,
 * so that chaining the task models is a matter of passing tensors along by name.
 *
 * Invariant: a task file holds exactly the weights its range reads, so the weight bytes it stores equal the plan's
 * `weightBytes` for the task. A `Constant` node is never written as a node: its tensor travels with its readers
 * (extractSubgraph turns the output of an unlisted Constant into an initializer of every task that reads it), so a
 * converter layout that puts every Constant first does not load them all into the first task.
 */
import { Node } from '../graph/graph';
import { constantTensor, extractSubgraph } from '../graph/subgraph';
import { writeModel } from '../onnx/write';
import { PartitionPlan, Task } from './plan';

interface TaskModelHead {
  readonly task: number;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/** A task as an ONNX model (its bytes), which onnxruntime runs. */
export interface OnnxTaskModel extends TaskModelHead {
  readonly kind: 'onnx';
  readonly bytes: Uint8Array;
}

/**
 * A task as a simulated backend reads it: the model it belongs to and a description of its work whose fields are
 * that backend's own (sim/task-model.ts); no weights.
 */
export interface SimulatedTaskModel extends TaskModelHead {
  readonly kind: 'simulated';
  readonly model: string;
  readonly description: unknown;
}

/** What a backend loads for one task of a plan: an ONNX model or a simulated task. */
export type TaskModel = OnnxTaskModel | SimulatedTaskModel;

/** What `Backend.load` takes: an ONNX model's bytes, or a simulated task. */
export type LoadableModel = Uint8Array | SimulatedTaskModel;

/** The thing to hand `Backend.load` for a task model. */
export function loadable(model: TaskModel): LoadableModel {
  return model.kind === 'onnx' ? model.bytes : model;
}

export function buildTask(plan: PartitionPlan, task: Task): OnnxTaskModel {
  const nodes = task.nodes.filter((i) => !isWeightConstant(plan.graph.nodes[i]));
  const graph = extractSubgraph(plan.graph, nodes, {
    inputs: task.inputs, outputs: task.outputs, name: `${plan.model}.task${task.index}`,
  });
  const nameOf = (i: number) => plan.graph.values[i].name;
  return {
    kind: 'onnx',
    task: task.index,
    bytes: writeModel(graph, { producer: 'quilt-toolkit' }),
    inputNames: task.inputs.map(nameOf),
    outputNames: task.outputs.map(nameOf),
  };
}

/** A `Constant` whose tensor the toolkit keeps: it becomes an initializer wherever it is read. */
function isWeightConstant(node: Node): boolean {
  return node.inputs.length === 0 && constantTensor(node) !== undefined;
}

export function build(plan: PartitionPlan): OnnxTaskModel[] {
  return plan.tasks.map((task) => buildTask(plan, task));
}
