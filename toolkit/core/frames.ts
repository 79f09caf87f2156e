/**
 * Rows <-> danfojs DataFrames. Rows are plain objects whose fields are the columns (schema.ts); a frame keeps
 * the columns in the order given (or first seen) and gets explicit dtypes, so that text which looks like a
 * number ('007') stays text and an empty row list still has its columns.
 */
import type * as dfd from 'danfojs-node';
import { QuiltError } from './errors';
import { RequestRow, SummaryRow, TimelineRow } from './rows';
import { REQUEST_COLUMNS, SUMMARY_COLUMNS, TIMELINE_COLUMNS, columnNames } from './columns';

export type DataFrame = dfd.DataFrame;

let danfoModule: typeof dfd | undefined;
/**
 * danfojs, loaded on first use: loading it costs about 2 s (it brings tfjs), which every CLI command and every
 * child process paid at start although only dataframe callers need it.
 */
export function danfo(): typeof dfd {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  danfoModule ??= require('danfojs-node') as typeof dfd;
  return danfoModule;
}
export type CellValue = string | number | boolean | null;
type FrameDtype = 'float32' | 'int32' | 'string' | 'boolean';

/** Column names of rows: the given ones, or every field in the order first seen. */
export function rowColumns(rows: readonly object[], columns?: readonly string[]): string[] {
  if (columns) return [...columns];
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function dtypeOf(values: readonly unknown[]): FrameDtype {
  let kind: FrameDtype | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const k: FrameDtype = typeof v === 'number' ? 'float32' : typeof v === 'boolean' ? 'boolean' : 'string';
    if (kind !== undefined && kind !== k) return 'string';
    kind = k;
  }
  return kind ?? 'float32';
}

function cell(value: unknown, column: string, index: number): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new QuiltError(`row ${index}, column '${column}': a ${typeof value} cannot go into a dataframe cell`);
}

/** A DataFrame of rows; `columns` fixes the order (and the columns of an empty frame). */
export function toFrame(rows: readonly object[], columns?: readonly string[]): DataFrame {
  const names = rowColumns(rows, columns);
  const values = rows.map((row, i) => {
    const record = row as Record<string, unknown>;
    return names.map((name) => cell(record[name], name, i));
  });
  const dtypes = names.map((_, c) => dtypeOf(values.map((v) => v[c])));
  return new (danfo().DataFrame)(values, { columns: names, dtypes });
}

/** The rows of a DataFrame, one plain object per row, fields in column order. NaN stays NaN. */
export function fromFrame<T extends object = Record<string, CellValue>>(frame: DataFrame): T[] {
  const names = frame.columns.map(String);
  const values = frame.values as unknown[][];
  return values.map((rowValues) => {
    const row: Record<string, unknown> = {};
    names.forEach((name, c) => { row[name] = rowValues[c]; });
    return row as T;
  });
}

export function requestFrame(rows: readonly RequestRow[]): DataFrame {
  return toFrame(rows, columnNames(REQUEST_COLUMNS));
}

export function timelineFrame(rows: readonly TimelineRow[]): DataFrame {
  return toFrame(rows, columnNames(TIMELINE_COLUMNS));
}

export function summaryFrame(rows: readonly SummaryRow[]): DataFrame {
  return toFrame(rows, columnNames(SUMMARY_COLUMNS));
}

/** Rows of either form: a frame's rows, or the row array itself. */
export function rowsOf<T extends object>(input: readonly T[] | DataFrame): readonly T[] {
  return Array.isArray(input) ? input as readonly T[] : fromFrame<T>(input as DataFrame);
}
