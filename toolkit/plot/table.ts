/**
 * showTable(frame or rows): a table in the notebook as HTML (danfojs has no HTML output), the first
 * `maxRows` rows and a line saying how many were left out. Outside a notebook it prints with console.table.
 */
import { DataFrame, rowColumns, rowsOf } from '../core/frames';
import { notebookDisplay } from './display';

export interface TableOptions {
  /** Rows shown at most (default 20). */
  maxRows?: number;
  caption?: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A cell as text: numbers with at most six significant digits (integers whole), null as empty. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Number(value.toPrecision(6)));
  }
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

export function tableHtml(input: readonly object[] | DataFrame, options: TableOptions = {}): string {
  const rows = rowsOf(input);
  const columns = Array.isArray(input) ? rowColumns(rows) : (input as DataFrame).columns.map(String);
  const maxRows = Math.max(0, options.maxRows ?? 20);
  const shown = rows.slice(0, maxRows);
  const cellStyle = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:right"';
  const head = columns.map((c) => `<th ${cellStyle}>${escapeHtml(c)}</th>`).join('');
  const body = shown.map((row) => {
    const record = row as Record<string, unknown>;
    return `<tr>${columns.map((c) => `<td ${cellStyle}>${escapeHtml(formatCell(record[c]))}</td>`).join('')}</tr>`;
  }).join('\n');
  const more = rows.length > shown.length ? `${rows.length - shown.length} more rows; ` : '';
  const caption = options.caption ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(options.caption)}</caption>` : '';
  return `<table class="quilt-table" style="border-collapse:collapse;font-size:12px;font-family:sans-serif">${caption}\n`
    + `<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>\n`
    + `<div style="font-size:11px;color:#666">${more}${rows.length} rows x ${columns.length} columns</div>`;
}

/** Shows the table (returns nothing, so that a notebook cell ending in showTable() prints no value). */
export function showTable(input: readonly object[] | DataFrame, options: TableOptions = {}): void {
  const display = notebookDisplay();
  if (display) {
    display.html(tableHtml(input, options));
    return;
  }
  const rows = rowsOf(input);
  const maxRows = options.maxRows ?? 20;
  if (options.caption) console.log(options.caption);
  console.table(rows.slice(0, maxRows));
  if (rows.length > maxRows) console.log(`${rows.length - maxRows} more rows`);
}
