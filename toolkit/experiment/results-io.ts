/**
 * Result files: rows as CSV plus `<file>.meta.json` beside it saying how they were made (toolkit version,
 * backend, device, budget, workload, seed, date and any extra fields). Both are written atomically: each goes
 * to a temporary file in the same folder, then is renamed over the target, so a crash leaves either the old
 * file or the new one, never half of one. Reading converts numeric columns back to numbers: by the schema for
 * known columns (columns.ts), and for other columns when every non-empty cell looks like a number.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { QuiltError, oneLine } from '../core/errors';
import { writeFileAtomic } from '../core/atomic-write';
import { CellValue, DataFrame, rowColumns, toFrame } from '../core/frames';
import { KNOWN_COLUMN_KINDS, REQUEST_COLUMNS, SUMMARY_COLUMNS, TIMELINE_COLUMNS, columnNames } from '../core/columns';
import { RequestRow, SummaryRow, TimelineRow } from '../core/rows';

/** What the caller says about a run; what it leaves out is written as null. */
export interface ResultsContext {
  backend?: string;
  device?: string;
  budgetBytes?: number;
  workload?: string;
  seed?: number;
  /** ISO date; now when left out (pass one to make files reproducible byte for byte). */
  date?: string;
  /** More fields to record (they must survive JSON). */
  extra?: Record<string, unknown>;
}

export interface ResultsMeta {
  toolkitVersion: string;
  backend: string | null;
  device: string | null;
  budgetBytes: number | null;
  workload: string | null;
  seed: number | null;
  date: string;
  /** The CSV's columns and row count. */
  columns: string[];
  rows: number;
  [extra: string]: unknown;
}

export interface WrittenResults {
  csvPath: string;
  metaPath: string;
}

export interface LoadedResults<T extends object> {
  rows: T[];
  frame: DataFrame;
  /** undefined when there is no `<file>.meta.json`. */
  meta: ResultsMeta | undefined;
}

export function metaPathOf(csvPath: string): string {
  return `${csvPath}.meta.json`;
}

let cachedVersion: string | undefined;

/** The version in the toolkit's package.json (found by walking up from this file). */
export function toolkitVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'quilt-toolkit' && pkg.version) return (cachedVersion = pkg.version);
    }
    if (path.dirname(dir) === dir) return (cachedVersion = 'unknown');
  }
}

function csvCell(value: unknown, column: string, index: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  try {
    const text = JSON.stringify(value);
    if (typeof text === 'string') return text;
  } catch {
    // fall through to the error below
  }
  throw new QuiltError(`row ${index}, column '${column}': a ${typeof value} value cannot be written to CSV`);
}

/** The rows as CSV text with a header line. */
export function rowsToCsv(rows: readonly object[], columns?: readonly string[]): string {
  const names = rowColumns(rows, columns);
  const records = rows.map((row, i) => {
    const record = row as Record<string, unknown>;
    return names.map((name) => csvCell(record[name], name, i));
  });
  return stringify([names, ...records]);
}

/**
 * Writes rows to `csvPath` and their metadata to `<csvPath>.meta.json`, both atomically, creating the folder.
 * `columns` fixes the column order (by default: every field, first seen first).
 */
export function writeResults(
  csvPath: string, rows: readonly object[], context: ResultsContext = {}, columns?: readonly string[],
): WrittenResults {
  const names = rowColumns(rows, columns);
  const csv = rowsToCsv(rows, names);
  const meta: ResultsMeta = {
    ...(context.extra ?? {}),
    toolkitVersion: toolkitVersion(),
    backend: context.backend ?? null,
    device: context.device ?? null,
    budgetBytes: context.budgetBytes ?? null,
    workload: context.workload ?? null,
    seed: context.seed ?? null,
    date: context.date ?? new Date().toISOString(),
    columns: names,
    rows: rows.length,
  };
  const metaPath = metaPathOf(csvPath);
  const metaText = `${JSON.stringify(meta, null, 2)}\n`;
  writeFileAtomic(csvPath, csv);
  writeFileAtomic(metaPath, metaText);
  return { csvPath, metaPath };
}

const NUMBER_TEXT = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$|^\s*[-+]?(?:Infinity|NaN)\s*$/;

function columnLooksNumeric(cells: readonly string[]): boolean {
  let any = false;
  for (const text of cells) {
    if (text === '') continue;
    if (!NUMBER_TEXT.test(text)) return false;
    any = true;
  }
  return any;
}

export interface ReadOptions {
  /** Columns the file must have; a missing one is a QuiltError naming the file and the column. */
  required?: readonly string[];
}

/** Reads a CSV written by writeResults (or by hand): rows with numbers as numbers, a frame, the metadata. */
export function readResults<T extends object = Record<string, CellValue>>(
  csvPath: string, options: ReadOptions = {},
): LoadedResults<T> {
  if (!fs.existsSync(csvPath)) throw new QuiltError(`${csvPath}: no such results file`);
  let records: string[][];
  try {
    records = parse(fs.readFileSync(csvPath, 'utf8'), { relax_column_count: false }) as string[][];
  } catch (error) {
    throw new QuiltError(`${csvPath}: not a readable CSV file (${oneLine(error)})`);
  }
  if (records.length === 0) throw new QuiltError(`${csvPath}: empty file, expected a header line`);
  const [header, ...body] = records;
  for (const column of options.required ?? []) {
    if (!header.includes(column)) throw new QuiltError(`${csvPath}: missing column '${column}'`);
  }
  const numeric = header.map((name, c) => {
    const known = KNOWN_COLUMN_KINDS[name];
    return known !== undefined ? known === 'number' : columnLooksNumeric(body.map((r) => r[c]));
  });
  const rows = body.map((record, r) => {
    const row: Record<string, CellValue> = {};
    header.forEach((name, c) => {
      const text = record[c];
      if (!numeric[c]) { row[name] = text; return; }
      if (text.trim() === '') { row[name] = NaN; return; }
      if (!NUMBER_TEXT.test(text)) {
        throw new QuiltError(`${csvPath}: line ${r + 2}, column '${name}': '${text}' is not a number`);
      }
      row[name] = Number(text);
    });
    return row as T;
  });
  return { rows, frame: toFrame(rows, header), meta: readMeta(csvPath) };
}

function readMeta(csvPath: string): ResultsMeta | undefined {
  const metaPath = metaPathOf(csvPath);
  if (!fs.existsSync(metaPath)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(metaPath, 'utf8')) as ResultsMeta;
  } catch (error) {
    throw new QuiltError(`${metaPath}: not valid JSON (${oneLine(error)})`);
  }
}

export function readRequestResults(csvPath: string): LoadedResults<RequestRow> {
  return readResults<RequestRow>(csvPath, { required: columnNames(REQUEST_COLUMNS) });
}

export function readTimelineResults(csvPath: string): LoadedResults<TimelineRow> {
  return readResults<TimelineRow>(csvPath, { required: columnNames(TIMELINE_COLUMNS) });
}

export function readSummaryResults(csvPath: string): LoadedResults<SummaryRow> {
  return readResults<SummaryRow>(csvPath, { required: columnNames(SUMMARY_COLUMNS) });
}
