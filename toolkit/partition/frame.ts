/**
 * Notebook-ready tables of a plan and of a memory profile, as danfojs DataFrames. Column names are part of the
 * toolkit's vocabulary (TASK_COLUMNS, PROFILE_COLUMNS); byte counts are exact numbers.
 */
import { DataFrame, toFrame } from '../core/frames';
import { MEMORY_PROFILE_COLUMNS, MemoryProfileRow, columnNames } from '../core/columns';
import { MemoryProfile } from '../memory/profile';
import { PartitionPlan } from './plan';

export const TASK_COLUMNS = [
  'index', 'opCount', 'firstOp', 'lastOp', 'weightBytes', 'peakActivationBytes', 'demandBytes', 'inputBytes', 'outputBytes',
] as const;
export const PROFILE_COLUMNS = columnNames(MEMORY_PROFILE_COLUMNS);

export interface TaskRow {
  index: number;
  opCount: number;
  /** Name of the task's first and last node. */
  firstOp: string;
  lastOp: string;
  weightBytes: number;
  peakActivationBytes: number;
  demandBytes: number;
  /** Bytes of the task's inputs (graph inputs and received cut tensors) and outputs (cut tensors, graph outputs). */
  inputBytes: number;
  outputBytes: number;
}

export function taskRows(plan: PartitionPlan): TaskRow[] {
  const { graph } = plan;
  const bytes = (values: readonly number[]) => values.reduce((sum, v) => sum + graph.values[v].bytes, 0);
  return plan.tasks.map((t) => ({
    index: t.index,
    opCount: t.nodes.length,
    firstOp: graph.nodes[t.nodes[0]].name,
    lastOp: graph.nodes[t.nodes[t.nodes.length - 1]].name,
    weightBytes: t.weightBytes,
    peakActivationBytes: t.peakActivationBytes,
    demandBytes: t.demandBytes,
    inputBytes: bytes(t.inputs),
    outputBytes: bytes(t.outputs),
  }));
}

/** A memory profile's rows (core/columns.ts's MemoryProfileRow; a device profile's numbers are sim/variant.ts's). */
export function profileRows(profile: MemoryProfile): MemoryProfileRow[] {
  return profile.steps.map((s) => ({ step: s.step, node: s.name, op: s.op, liveActivationBytes: s.liveActivationBytes }));
}

/** One row per task: index, opCount, firstOp, lastOp, weightBytes, peakActivationBytes, demandBytes, inputBytes, outputBytes. */
export function tasksFrame(plan: PartitionPlan): DataFrame {
  return toFrame(taskRows(plan), TASK_COLUMNS);
}

/** One row per step of the order: step, node, op, liveActivationBytes. */
export function profileFrame(profile: MemoryProfile): DataFrame {
  return toFrame(profileRows(profile), PROFILE_COLUMNS);
}
