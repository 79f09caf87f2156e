/**
 * Notebook-ready tables of a plan and of a memory profile, as danfojs DataFrames. Column names are part of the
 * toolkit's vocabulary (TASK_COLUMNS, PROFILE_COLUMNS); byte counts are exact numbers.
 */
import type * as dfd from 'danfojs-node';
import { danfo } from '../core/frames';
import { MemoryProfile } from '../memory/profile';
import { PartitionPlan } from './plan';

export const TASK_COLUMNS = [
  'index', 'opCount', 'firstOp', 'lastOp', 'weightBytes', 'peakActivationBytes', 'demandBytes', 'inputBytes', 'outputBytes',
] as const;
export const PROFILE_COLUMNS = ['step', 'node', 'op', 'liveActivationBytes'] as const;

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

export interface ProfileRow {
  step: number;
  /** Node name. */
  node: string;
  op: string;
  liveActivationBytes: number;
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

export function profileRows(profile: MemoryProfile): ProfileRow[] {
  return profile.steps.map((s) => ({ step: s.step, node: s.name, op: s.op, liveActivationBytes: s.liveActivationBytes }));
}

function frameOf(rows: readonly object[], columns: readonly string[], text: ReadonlySet<string>): dfd.DataFrame {
  const data = rows.map((row) => columns.map((c) => (row as Record<string, unknown>)[c]));
  const dtypes = columns.map((c) => (text.has(c) ? 'string' : 'int32'));
  return new (danfo().DataFrame)(data, { columns: [...columns], dtypes });
}

/** One row per task: index, opCount, firstOp, lastOp, weightBytes, peakActivationBytes, demandBytes, inputBytes, outputBytes. */
export function tasksFrame(plan: PartitionPlan): dfd.DataFrame {
  return frameOf(taskRows(plan), TASK_COLUMNS, new Set(['firstOp', 'lastOp']));
}

/** One row per step of the order: step, node, op, liveActivationBytes. */
export function profileFrame(profile: MemoryProfile): dfd.DataFrame {
  return frameOf(profileRows(profile), PROFILE_COLUMNS, new Set(['node', 'op']));
}
