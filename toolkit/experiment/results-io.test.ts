import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QuiltError } from '../core/errors';
import {
  metaPathOf, readRequestResults, readResults, rowsToCsv, toolkitVersion, writeResults,
} from './results-io';
import { RequestRow } from '../core/rows';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-results-'));
}

const rows: RequestRow[] = [
  { requestId: 0, model: 'resnet', policy: 'quilt', backend: 'cpu', budgetBytes: 3 * 2 ** 30, arrivalMs: 0,
    startMs: 0.5, endMs: 12.25, latencyMs: 12.25, queueingMs: 0.5, executionMs: 11.75, transferBytes: 4096,
    tasks: 4, status: 'ok', error: '' },
  { requestId: 1, model: '42', policy: 'unmanaged', backend: 'cpu', budgetBytes: 3 * 2 ** 30, arrivalMs: 3,
    startMs: 3, endMs: 3, latencyMs: 0, queueingMs: 0, executionMs: 0, transferBytes: 0, tasks: 1,
    status: 'oom', error: 'out of memory, "needed" 5 GiB' },
];

test('rows written as CSV read back equal, numbers as numbers, with metadata', () => {
  const dir = tempDir();
  const file = path.join(dir, 'nested', 'folder', 'requests.csv');
  const written = writeResults(file, rows, {
    backend: 'cpu', device: 'host', budgetBytes: 3 * 2 ** 30, workload: 'mix-a', seed: 7,
    date: '2026-01-02T03:04:05.000Z', extra: { note: 'smoke', budgetBytes: 'ignored' },
  });
  assert.equal(written.metaPath, metaPathOf(file));
  const loaded = readRequestResults(file);
  assert.deepEqual(loaded.rows, rows);
  assert.equal(typeof loaded.rows[0].latencyMs, 'number');
  assert.equal(loaded.rows[1].model, '42', 'a known text column stays text even when it looks numeric');
  assert.deepEqual(loaded.frame.shape, [2, 15]);
  assert.deepEqual(loaded.meta, {
    note: 'smoke', toolkitVersion: toolkitVersion(), backend: 'cpu', device: 'host', budgetBytes: 3 * 2 ** 30,
    workload: 'mix-a', seed: 7, date: '2026-01-02T03:04:05.000Z', columns: Object.keys(rows[0]), rows: 2,
  });
  assert.match(toolkitVersion(), /^\d+\.\d+\.\d+/);
  assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['requests.csv', 'requests.csv.meta.json']);
});

test('metadata fields left out are null and the date is now', () => {
  const file = path.join(tempDir(), 'x.csv');
  writeResults(file, [{ a: 1 }]);
  const meta = readResults(file).meta;
  assert.ok(meta);
  assert.equal(meta.backend, null);
  assert.equal(meta.seed, null);
  assert.ok(!Number.isNaN(Date.parse(meta.date)));
});

test('unknown columns that look numeric become numbers, others stay text', () => {
  const file = path.join(tempDir(), 'free.csv');
  fs.writeFileSync(file, 'label,score,code\na,1.5,x1\nb,-2e3,\n');
  const loaded = readResults(file);
  assert.deepEqual(loaded.rows, [{ label: 'a', score: 1.5, code: 'x1' }, { label: 'b', score: -2000, code: '' }]);
  assert.equal(loaded.meta, undefined);
});

test('a write that fails midway leaves the old file intact and no temporary file', () => {
  const dir = tempDir();
  const file = path.join(dir, 'requests.csv');
  writeResults(file, rows);
  const before = fs.readFileSync(file, 'utf8');
  const beforeMeta = fs.readFileSync(metaPathOf(file), 'utf8');
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  assert.throws(() => writeResults(file, [{ a: 1, b: 2 }, { a: 2, b: circular }]),
    (e: unknown) => e instanceof QuiltError && /row 1, column 'b'/.test(e.message));
  assert.equal(fs.readFileSync(file, 'utf8'), before);
  assert.equal(fs.readFileSync(metaPathOf(file), 'utf8'), beforeMeta);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['requests.csv', 'requests.csv.meta.json']);
});

test('a write onto a folder is a QuiltError naming it, and leaves no temporary file', () => {
  const dir = tempDir();
  const target = path.join(dir, 'taken');
  fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
  assert.throws(() => writeResults(target, [{ a: 1 }]), (e: unknown) => e instanceof QuiltError && e.message.includes(target));
  assert.deepEqual(fs.readdirSync(dir), ['taken']);
});

test('quotes, commas and newlines survive the round trip', () => {
  const file = path.join(tempDir(), 'q.csv');
  const tricky = [{ name: 'a, "b"\nc', n: 1 }];
  writeResults(file, tricky);
  assert.deepEqual(readResults(file).rows, tricky);
  assert.equal(rowsToCsv(tricky), 'name,n\n"a, ""b""\nc",1\n');
});

test('a missing file is a QuiltError naming it', () => {
  const file = path.join(tempDir(), 'absent.csv');
  assert.throws(() => readResults(file), (e: unknown) => e instanceof QuiltError && e.message.includes(file));
});

test('a header without a required column is a QuiltError naming the file and the column', () => {
  const file = path.join(tempDir(), 'partial.csv');
  fs.writeFileSync(file, 'requestId,model\n1,a\n');
  assert.throws(() => readRequestResults(file),
    (e: unknown) => e instanceof QuiltError && e.message.includes(file) && e.message.includes("'policy'"));
});

test('text in a known numeric column is a QuiltError naming the line and column', () => {
  const file = path.join(tempDir(), 'bad.csv');
  fs.writeFileSync(file, 'policy,latencyMs\nquilt,12\nquilt,fast\n');
  assert.throws(() => readResults(file), /bad\.csv: line 3, column 'latencyMs': 'fast' is not a number/);
});
