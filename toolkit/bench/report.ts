/**
 * The bench's small shared helpers: timing (median of runs), goals (met / NOT met, never hidden), the
 * section result every section returns, printing to stdout, progress to stderr, and the result files
 * (results/bench/bench.json written atomically, results/bench/bench.md as short tables for the README).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-write';
import * as path from 'node:path';
import { OpenedModel, openModel } from '../experiment/model-source';
import { median } from '../core/median';

export type Row = Record<string, string | number | boolean | null>;

export interface Goal {
  readonly name: string;
  /** The measured value and the limit it is held to (value <= limit is met unless `met` says otherwise). */
  readonly value: number;
  readonly limit: number;
  readonly unit: string;
  /** How value is held to limit: at most (the default) or more than. */
  readonly op: '<=' | '>';
  readonly met: boolean;
}

export interface SectionResult {
  readonly section: string;
  readonly title: string;
  readonly quick: boolean;
  readonly measuredAt: string;
  readonly rows: Row[];
  readonly goals: Goal[];
  readonly notes: string[];
  /** Anything else worth keeping in bench.json (ratios, settings). */
  readonly extra?: Record<string, unknown>;
}

export interface BenchContext {
  readonly quick: boolean;
  readonly budget?: string;
}

const opened = new Map<string, Promise<OpenedModel>>();

/** A zoo model at batch 1 (transformers seq 128), loaded and shaped once per process. */
export function openZoo(name: string): Promise<OpenedModel> {
  let m = opened.get(name);
  if (m === undefined) {
    m = openModel(`zoo:${name}`, { batch: 1, seq: 128 });
    opened.set(name, m);
  }
  return m;
}

export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export { median };

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Milliseconds one call of `fn` takes, and its result. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = nowMs();
  const value = await fn();
  return { ms: nowMs() - t0, value };
}

/** Median milliseconds of `runs` calls after `warmups` untimed ones. */
export async function medianMs(fn: () => unknown, runs: number, warmups = 0): Promise<number> {
  for (let i = 0; i < warmups; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(fn)).ms);
  return median(times);
}

/** A goal value <= limit (or value > limit with op '>'); a value that is not a finite number never meets it. */
export function goal(name: string, value: number, limit: number, unit: string, op: '<=' | '>' = '<='): Goal {
  const met = Number.isFinite(value) && (op === '<=' ? value <= limit : value > limit);
  return { name, value, limit, unit, op, met };
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function mib(bytes: number): number {
  return round(bytes / 2 ** 20, 1);
}

export function describeGoal(g: Goal): string {
  const v = `${round(g.value, 3)}${g.unit}`;
  return `${g.met ? 'goal met' : 'NOT met'}: ${g.name} = ${v} (goal ${g.op ?? '<='} ${g.limit}${g.unit})`;
}

function cell(v: Row[string]): string {
  if (v === null) return '-';
  if (typeof v === 'number') return String(round(v, Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 3));
  return String(v);
}

export function table(rows: readonly Row[]): string[] {
  if (rows.length === 0) return [];
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => cols.map((c) => cell(r[c] ?? null)));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (xs: readonly string[]) => xs.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}

export function printSection(r: SectionResult): void {
  const out = [`\n== ${r.title}${r.quick ? ' (quick)' : ''} ==`, ...table(r.rows)];
  for (const n of r.notes) out.push(`note: ${n}`);
  for (const g of r.goals) out.push(describeGoal(g));
  process.stdout.write(`${out.join('\n')}\n`);
}

function markdownTable(rows: readonly Row[]): string[] {
  if (rows.length === 0) return [];
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cols.map((c) => cell(r[c] ?? null)).join(' | ')} |`)];
}

export function markdown(sections: readonly SectionResult[], meta: Record<string, unknown>): string {
  const out = ['# Quilt toolkit bench', '', `Written by \`npm run bench\` (toolkit/bench). Machine: ${String(meta.machine)}.`, ''];
  for (const r of sections) {
    out.push(`## ${r.title}${r.quick ? ' (quick)' : ''}`, '', `Measured ${r.measuredAt}.`, '', ...markdownTable(r.rows), '');
    for (const g of r.goals) out.push(`- ${describeGoal(g)}`);
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}


/**
 * Merges the sections measured now into results/bench/bench.json (sections not run this time keep their
 * earlier numbers, each with its own date) and rewrites bench.md from the merged file. `base` is 'bench', or
 * 'bench-quick' for --quick runs, so a smoke run never replaces the full numbers the README quotes.
 */
export function writeResults(dir: string, base: string, measured: readonly SectionResult[], meta: Record<string, unknown>): string[] {
  mkdirSync(dir, { recursive: true });
  const jsonFile = path.join(dir, `${base}.json`);
  let previous: SectionResult[] = [];
  if (existsSync(jsonFile)) {
    try {
      previous = (JSON.parse(readFileSync(jsonFile, 'utf8')) as { sections?: SectionResult[] }).sections ?? [];
    } catch {
      previous = [];
    }
  }
  const byName = new Map(previous.map((s) => [s.section, s]));
  for (const s of measured) byName.set(s.section, s);
  const order = ['zoo', 'load', 'profile', 'partition', 'chain', 'order', 'schedule', 'schedule-webgpu', 'memory'];
  const sections = [...byName.values()].sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section));
  writeFileAtomic(jsonFile, `${JSON.stringify({ ...meta, sections }, null, 2)}\n`);
  const mdFile = path.join(dir, `${base}.md`);
  writeFileAtomic(mdFile, markdown(sections, meta));
  return [jsonFile, mdFile];
}
