/**
 * The simulator's cost model for one task: its facts (operators' work, weight bytes, boundary tensors), read from
 * an ONNX model or a simulated task's description, and its device time alone on a profile:
 *   deviceMs = roofline time of its operators (roofline.ts) x the model's factor + boundary bytes / taskBoundaryBytesPerS.
 * Pure: the backend (sim-backend.ts) prices copies, host overhead and sharing around it.
 */
import { Graph, ShapedGraph, ShapedValue, elementCount, isConcreteShape } from '../graph/graph';
import { dtypeByteSize, elementBytesOf } from '../core/dtype';
import { resolveShapesStatic } from '../shapes';
import { graphWork, OpWork } from './op-work';
import { DeviceProfile } from './profile';
import { opsTimeMs } from './roofline';
import { opsOf, SimTaskSpec } from './task-model';

/** The graph with every value's dtype, shape and bytes (resolved when the file does not state them). */
export function shaped(graph: Graph): ShapedGraph {
  if (graph.values.every((v) => v.dtype !== undefined && isConcreteShape(v.shape))) {
    const values = graph.values.map((v): ShapedValue => {
      const shape = v.shape as readonly number[];
      return { ...v, dtype: v.dtype!, shape, bytes: elementCount(shape) * dtypeByteSize(v.dtype!) };
    });
    return { ...graph, values };
  }
  return resolveShapesStatic(graph);
}

/** A task's facts, from an ONNX task model or a sim task description. */
export interface TaskFacts {
  readonly model: string;
  readonly ops: readonly OpWork[];
  readonly computeType: string;
  readonly weightBytes: number;
  readonly inputNames: readonly string[];
  readonly inputs: readonly { name: string; dims: number[]; type: string }[];
  readonly outputs: readonly { name: string; dims: number[]; type: string }[];
  /** Bytes of the task's inputs and outputs (activations that enter and leave its session). */
  readonly boundaryBytes: number;
}

function listBytes(tensors: readonly { dims: readonly number[]; type: string }[]): number {
  let sum = 0;
  for (const t of tensors) sum += elementCount(t.dims) * (elementBytesOf(t.type) ?? 0);
  return sum;
}

/** What a task model costs, computed once per model bytes: its facts and its device time alone. */
export interface TaskCost extends TaskFacts {
  /** Device time alone, ms (roofline + launches, times the model's factor; plus the boundary tensors' time). */
  readonly deviceMs: number;
}

/** Facts of an ONNX model's graph; `model` names the model whose factor applies (profile.modelFactors). */
export function factsOfGraph(graph: ShapedGraph, model: string): TaskFacts {
  let weightBytes = 0;
  for (const v of graph.values) if (v.kind === 'weight') weightBytes += v.bytes;
  const tensorOf = (i: number) => ({ name: graph.values[i].name, dims: [...graph.values[i].shape], type: graph.values[i].dtype });
  return {
    model,
    ops: graphWork(graph),
    computeType: graph.values.find((v) => v.kind === 'weight' && v.dtype.startsWith('float'))?.dtype ?? 'float32',
    weightBytes,
    inputNames: graph.inputs.map((i) => graph.values[i].name),
    inputs: graph.inputs.map(tensorOf),
    outputs: graph.outputs.map(tensorOf),
    boundaryBytes: [...graph.inputs, ...graph.outputs].reduce((s, i) => s + graph.values[i].bytes, 0),
  };
}

/** Facts of a sim task description. */
export function factsOfSpec(spec: SimTaskSpec): TaskFacts {
  return { ...spec, inputNames: spec.inputs.map((t) => t.name), ops: opsOf(spec), boundaryBytes: listBytes(spec.inputs) + listBytes(spec.outputs) };
}

/** Time of a task's boundary tensors on a profile, ms (0 where the profile has no taskBoundaryBytesPerS). */
export function boundaryMs(bytes: number, profile: DeviceProfile): number {
  const rate = profile.taskBoundaryBytesPerS?.value;
  return rate === undefined ? 0 : (bytes / rate) * 1000;
}

/** The task's cost on a profile (pure). */
export function taskCost(facts: TaskFacts, profile: DeviceProfile): TaskCost {
  const peak = (profile.peakFlopsPerS[facts.computeType] ?? profile.peakFlopsPerS.float32).value;
  const factor = profile.modelFactors?.[facts.model]?.value ?? 1;
  const deviceMs = opsTimeMs(facts.ops, {
    peakFlopsPerS: peak, memoryBytesPerS: profile.memoryBytesPerS.value, kernelLaunchMs: profile.kernelLaunchMs.value,
  }, factor) + boundaryMs(facts.boundaryBytes, profile);
  return { ...facts, deviceMs };
}
