/**
 * `quilt export triton` and `quilt verify --triton` as a user runs them: the quick workload exported and its
 * ensembles verified against the whole models (JSON exactly as the issue names it), and each bad input one
 * stderr line with a non-zero exit and nothing written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRepoRoot } from '../../core/paths';

const MAIN = path.join(__dirname, '..', 'main.js');
const QUICK = path.join(findRepoRoot(), 'datasets', 'workloads', 'quick.json');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-cli-triton-'));

function quilt(...args: string[]) {
  const env = { ...process.env };
  delete env.QUILT_DEBUG;
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLine(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
}

test('the quick workload exports to a repository whose ensembles compute the whole models', () => {
  const out = path.join(dir, 'quick');
  const e = quilt('export', 'triton', '--workload', QUICK, '--budget', '60%', '--out', out, '--json');
  assert.equal(e.code, 0, e.stderr);
  const exported = JSON.parse(e.stdout);
  assert.deepEqual(Object.keys(exported), ['repository', 'models', 'serve']);
  assert.deepEqual(exported.models.map((m: { ensemble: string }) => m.ensemble), ['resnet50', 'mobilenetv2', 'bert-base']);
  for (const m of exported.models) {
    assert.deepEqual(Object.keys(m), ['model', 'ensemble', 'tasks']);
    for (const t of m.tasks) {
      assert.deepEqual(Object.keys(t), ['name', 'resource', 'count', 'inputs', 'outputs']);
      assert.ok(Number.isInteger(t.count) && t.count >= 1);
    }
  }
  assert.match(exported.serve, /^tritonserver --model-repository=\S+ --rate-limit=execution_count --rate-limit-resource=quilt_activation_1mib:\d+$/);
  const v = quilt('verify', '--triton', out, '--json');
  assert.equal(v.code, 0, v.stderr);
  const verified = JSON.parse(v.stdout);
  assert.deepEqual(verified.models.map((m: { model: string; ok: boolean }) => [m.model, m.ok]), [['bert-base', true], ['mobilenetv2', true], ['resnet50', true]]);
  for (const m of verified.models) assert.deepEqual(Object.keys(m), ['model', 'maxRelDiff', 'tolerance', 'ok']);
});

test('bad input is one line, a non-zero exit, and nothing written', () => {
  const base = ['export', 'triton', '--workload', QUICK];
  const full = path.join(dir, 'full');
  fs.mkdirSync(full);
  fs.writeFileSync(path.join(full, 'keep.txt'), 'mine');
  oneLine(quilt(...base, '--budget', '60%', '--out', full), /^quilt: --out: '.*full' is not empty \(give --force to replace it\)$/);
  assert.deepEqual(fs.readdirSync(full), ['keep.txt']);

  const blocker = path.join(dir, 'a-file');
  fs.writeFileSync(blocker, '');
  oneLine(quilt(...base, '--budget', '60%', '--out', path.join(blocker, 'repo')), /^quilt: cannot write '.*a-file\/repo': a part of the path is a file, not a folder$/);

  const small = path.join(dir, 'small');
  oneLine(quilt(...base, '--budget', '2MiB', '--out', small), /^quilt: budget 2\.00 MiB is too small: the workload needs .* for model '.*' \(task \d+ needs .*\); give at least --budget \d+$/);
  assert.equal(fs.existsSync(small), false);

  const spec = path.join(dir, 'unknown.json');
  fs.writeFileSync(spec, JSON.stringify({ name: 'u', seed: 1, requests: 1, arrival: { process: 'closed', clients: 1 }, models: [{ model: 'resnet51' }] }));
  const unknown = path.join(dir, 'unknown');
  oneLine(quilt('export', 'triton', '--workload', spec, '--budget', '1GiB', '--out', unknown), /resnet51/);
  assert.equal(fs.existsSync(unknown), false);

  oneLine(quilt('export', 'onnx', '--workload', QUICK), /^quilt: export: unknown target 'onnx' \(only triton;/);
  oneLine(quilt('verify', '--triton', dir), /has no quilt-export\.json/);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no temporary folder left');
});
