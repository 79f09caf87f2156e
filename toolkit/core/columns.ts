/**
 * The columns of schema.ts's rows at run time: their names, in CSV order, and whether each holds numbers or
 * text. `satisfies` ties every table to its row type, so a field added to the schema without a column here
 * (or the other way round) fails to compile. Readers use the kinds to turn CSV text back into numbers.
 */
import { RequestRow, SummaryRow, TimelineRow } from './rows';

export type ColumnKind = 'number' | 'string';

export const REQUEST_COLUMNS = {
  requestId: 'number', model: 'string', policy: 'string', backend: 'string', budgetBytes: 'number',
  arrivalMs: 'number', startMs: 'number', endMs: 'number', latencyMs: 'number', queueingMs: 'number',
  executionMs: 'number', transferBytes: 'number', tasks: 'number', status: 'string', error: 'string',
} as const satisfies Record<keyof RequestRow, ColumnKind>;

export const TIMELINE_COLUMNS = {
  policy: 'string', timeMs: 'number', weightBytes: 'number', activationBytes: 'number', poolBytes: 'number',
  totalBytes: 'number', budgetBytes: 'number', oomRequestId: 'number',
} as const satisfies Record<keyof TimelineRow, ColumnKind>;

export const SUMMARY_COLUMNS = {
  policy: 'string', backend: 'string', budgetBytes: 'number', requests: 'number', completed: 'number',
  failed: 'number', oom: 'number', meanLatencyMs: 'number', p50LatencyMs: 'number', p95LatencyMs: 'number',
  p99LatencyMs: 'number', makespanMs: 'number', throughputRps: 'number', peakResidentBytes: 'number',
  transferBytes: 'number',
} as const satisfies Record<keyof SummaryRow, ColumnKind>;

/** Rows of a threshold sweep: one model partitioned at one threshold. */
export interface ThresholdSweepRow {
  model: string;
  thresholdBytes: number;
  tasks: number;
  poolBytes: number;
  cutBytes: number;
}

export const THRESHOLD_SWEEP_COLUMNS = {
  model: 'string', thresholdBytes: 'number', tasks: 'number', poolBytes: 'number', cutBytes: 'number',
} as const satisfies Record<keyof ThresholdSweepRow, ColumnKind>;

/** Rows of a memory profile: live activation bytes at each operator step of an order. */
export interface MemoryProfileRow {
  step: number;
  node: string;
  op: string;
  liveActivationBytes: number;
}

export const MEMORY_PROFILE_COLUMNS = {
  step: 'number', node: 'string', op: 'string', liveActivationBytes: 'number',
} as const satisfies Record<keyof MemoryProfileRow, ColumnKind>;

/** Every known column's kind (a name means the same thing in every table it appears in). */
export const KNOWN_COLUMN_KINDS: Readonly<Record<string, ColumnKind>> = {
  ...REQUEST_COLUMNS, ...TIMELINE_COLUMNS, ...SUMMARY_COLUMNS, ...THRESHOLD_SWEEP_COLUMNS, ...MEMORY_PROFILE_COLUMNS,
};

/** The column names of a table, in order. */
export function columnNames(table: Readonly<Record<string, ColumnKind>>): string[] {
  return Object.keys(table);
}
