/**
 * The command line on the model classes of issue 10, as a user runs it: --input-value reaches shapes and
 * verify; every failure is exactly one stderr line (no onnxruntime log lines, no ANSI colours, no stack) with
 * exit 2; an output path that cannot be written is named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { branchOnSampleRate, fp16Mlp } from '../onnx/class-fixtures';
import { writeModel } from '../onnx/write';

const MAIN = path.join(__dirname, 'main.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-cli-'));
const branch = path.join(dir, 'branch.onnx');
const fp16 = path.join(dir, 'fp16.onnx');
fs.writeFileSync(branch, branchOnSampleRate());
fs.writeFileSync(fp16, writeModel(fp16Mlp()));

function quilt(...args: string[]) {
  const env = { ...process.env };
  delete env.QUILT_DEBUG;
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\u001b\[/, 'no ANSI colour codes');
  assert.match(lines[0], pattern);
}

test('a failure inside onnxruntime is one line that names the input to give a value for', () => {
  const r = quilt('profile', branch);
  assert.equal(r.code, 2);
  assertOneLine(r.stderr, /^quilt: graph 'branch'.*--input-value sr=<v>$/);
});

test('--input-value picks the branch for profile, partition and verify', () => {
  const p = quilt('profile', branch, '--input-value', 'sr=16000', '--json');
  assert.equal(p.code, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).shapesFromOnnxRuntime, 1);
  const v = quilt('verify', branch, '--input-value', 'sr=16000', '--granularity', 'layer', '--json');
  assert.equal(v.code, 0, v.stderr);
  assert.equal(JSON.parse(v.stdout).ok, true);
  assert.equal(v.stderr, '');
});

test('malformed --input-value and --tolerance are one-line user errors', () => {
  assertOneLine(quilt('profile', branch, '--input-value', 'sr').stderr, /--input-value: 'sr' is not name=v/);
  assertOneLine(quilt('profile', branch, '--input-value', 'sr=abc').stderr, /--input-value sr: 'abc' is not a number/);
  assertOneLine(quilt('profile', branch, '--input-value', 'sr=1.5').stderr, /1.5 is not a valid int64 value/);
  assertOneLine(quilt('verify', fp16, '--threshold', '50%', '--tolerance', '0').stderr, /--tolerance: '0' is not a positive number/);
});

test('verify of fp16 activations passes by default and fails under a tolerance given below its difference', () => {
  const ok = quilt('verify', fp16, '--granularity', 'layer', '--json');
  assert.equal(ok.code, 0, ok.stderr);
  const result = JSON.parse(ok.stdout);
  assert.equal(result.toleranceFrom, 'float16');
  // onnxruntime optimizes the whole fp16 model across layers and the layer chain one layer at a time, so their outputs
  // differ (a relative difference near 4e-4 here); without a difference the strict half below would prove nothing.
  assert.ok(result.maxRelDiff > 0, 'the layer chain and the whole model must differ for this test to mean anything');
  const strict = quilt('verify', fp16, '--granularity', 'layer', '--tolerance', String(result.maxRelDiff / 2));
  assert.equal(strict.code, 1, strict.stderr);
  assert.equal(strict.stderr, '');
});

test('partition --out into a path under a file names the path, exit 2', () => {
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, '');
  const r = quilt('partition', fp16, '--threshold', '100%', '--out', path.join(file, 'plan'));
  assert.equal(r.code, 2);
  assertOneLine(r.stderr, new RegExp(`cannot write '${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*a part of the path is a file`));
});

test('--host-memory: an unknown kind, pinned on onnxruntime, and pinned on a flat-link profile are one-line errors', () => {
  assertOneLine(quilt('profile', fp16, '--backend', 'sim:h200', '--host-memory', 'fast').stderr, /--host-memory: 'fast' must be one of pageable, pinned/);
  assertOneLine(quilt('profile', fp16, '--backend', 'cpu', '--host-memory', 'pinned').stderr, /only simulated backends/);
  assertOneLine(quilt('profile', fp16, '--backend', 'sim:h100', '--host-memory', 'pinned').stderr, /'h100' has no measured pinned copies/);
  const ok = quilt('profile', fp16, '--backend', 'sim:h200', '--host-memory', 'pinned', '--json');
  assert.equal(ok.code, 0, ok.stderr);
  const summary = JSON.parse(ok.stdout);
  assert.equal(summary.contextBytes, 552402944);
  assert.match(summary.runtime, /gpu rules/);
});

test('quilt sweep: a host-memory kind the backend does not take, and a bad --prefetch, are one line each', () => {
  const base = ['sweep', '--backend', 'sim:h100', '--workload', 'datasets/workloads/quick.json', '--budgets', '100%'];
  const pinned = quilt(...base, '--host-memory', 'pinned');
  assert.equal(pinned.code, 2);
  assertOneLine(pinned.stderr, /'h100' has no measured pinned copies/);
  const prefetch = quilt(...base, '--prefetch', 'maybe');
  assert.equal(prefetch.code, 2);
  assertOneLine(prefetch.stderr, /--prefetch: 'maybe' must be on or off/);
  const run = quilt('run', '--workload', 'datasets/workloads/quick.json', '--budget', '100%', '--prefetch', 'yes');
  assert.equal(run.code, 2);
  assertOneLine(run.stderr, /--prefetch: 'yes' must be on or off/);
});
