/**
 * Arrival traces: CSV files with a header row and one request per row:
 *   arrivalMs,model
 *   0,resnet50
 *   120.5,bert-base
 * `arrivalMs` is a non-negative number (ms since the start), `model` names an entry of the workload's mix.
 * Rows may come in any order; they are sorted by time (stable, so ties keep file order). Blank lines are
 * skipped. A bad row is a QuiltError naming the file and its line number.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { QuiltError, oneLine } from '../core/errors';

export interface TraceRow {
  readonly arrivalMs: number;
  readonly model: string;
}

export interface TraceOptions {
  /** For error messages (the file name). */
  readonly source?: string;
  /** Model names the rows may use (the mix's names); any name when omitted. */
  readonly models?: readonly string[];
}

const COLUMNS = ['arrivalMs', 'model'];

export function parseTrace(text: string, options: TraceOptions = {}): TraceRow[] {
  const source = options.source ?? 'trace';
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    throw new QuiltError(`${source}: not valid CSV (${oneLine(error)})`);
  }
  const records = parsed.map((p) => p.record);
  if (records.length === 0) throw new QuiltError(`${source}: empty; expected a header 'arrivalMs,model'`);
  const header = records[0];
  const col = COLUMNS.map((c) => header.indexOf(c));
  if (col.some((i) => i < 0)) {
    throw new QuiltError(`${source}: the header must name the columns ${COLUMNS.join(', ')}; found '${header.join(',')}'`);
  }
  const rows: TraceRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    const where = `${source} row ${r} (line ${parsed[r].info.lines})`;
    if (record.length !== header.length) {
      throw new QuiltError(`${where}: ${record.length} fields, expected ${header.length}`);
    }
    const timeText = record[col[0]];
    const arrivalMs = Number(timeText);
    if (timeText === '' || !Number.isFinite(arrivalMs) || arrivalMs < 0) {
      throw new QuiltError(`${where}: arrivalMs '${timeText}' is not a non-negative number`);
    }
    const model = record[col[1]];
    if (model === '') throw new QuiltError(`${where}: model is empty`);
    if (options.models && !options.models.includes(model)) {
      throw new QuiltError(`${where}: model '${model}' is not in the workload's mix (${options.models.join(', ')})`);
    }
    rows.push({ arrivalMs, model });
  }
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => a.row.arrivalMs - b.row.arrivalMs || a.i - b.i)
    .map(({ row }) => row);
}

export function readTrace(file: string, options: Omit<TraceOptions, 'source'> = {}): TraceRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new QuiltError(`trace ${file}: cannot read it (${oneLine(error)})`);
  }
  return parseTrace(text, { ...options, source: file });
}
