/**
 * scripts/gpu/torch-reference.py without a GPU: its output has the fields of the reference measured on a lent H200
 * (`../shared/gpu-measurements/h200-2026-12-04/torch-reference.json`, whose field names are written out below), built
 * by the script's own assembly functions from synthetic numbers (`--self-check`); and where PyTorch has no CUDA
 * device (a stand-in `torch` module on PYTHONPATH) it refuses in one line with exit status 3.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const script = path.resolve(__dirname, '..', '..', '..', 'scripts', 'gpu', 'torch-reference.py');

/** The field names of torch-reference.json as measured on 2026-12-04 (top level and each section's entries). */
const MEASURED = {
  top: ['started', 'device', 'links', 'launch', 'pairs', 'pairsBeta', 'ended', 'models', 'regime', 'fields'],
  device: ['name', 'totalBytes', 'sms', 'torch', 'cuda', 'cudnn', 'freeAfterContextBytes', 'contextBytes'],
  link: ['bytes', 'h2dPageableMs', 'h2dPinnedMs', 'd2hPageableMs', 'd2hPinnedMs', 'h2dPageableGBps', 'h2dPinnedGBps', 'd2hPageableGBps', 'd2hPinnedGBps'],
  launch: ['eagerOpUs', 'graphReplayOf64TinyKernelsUs', 'perKernelInGraphUs'],
  pair: ['model', 'beside', 'aloneMs', 'besideMs', 'slowdown'],
  model: ['model', 'batch', 'params', 'weightBytes', 'residentBytes', 'uploadPageableMs', 'uploadGBps', 'activationPeakBytes', 'eager', 'graph'],
  timing: ['medianMs', 'p95Ms', 'minMs', 'n'],
  fields: ['links', 'launch.eagerOpUs', 'launch.perKernelInGraphUs', 'models.weightBytes', 'models.uploadPageableMs', 'models.activationPeakBytes', 'models.eager', 'models.graph', 'pairs'],
};
const ZOO_MODELS = ['resnet50', 'vgg16', 'mobilenetv2', 'densenet121', 'inceptionv3', 'bert-base'];

const sorted = (xs: Iterable<string>) => [...xs].sort();

function python(args: string[], env: Record<string, string> = {}) {
  return spawnSync('python3', [script, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
}

test('torch-reference.py --self-check: the same fields as the measured reference, plus batch 8 and K replicas', () => {
  const r = python(['--self-check']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.match(doc.selfCheck, /not a measurement/);
  for (const key of MEASURED.top) assert.ok(key in doc, `no '${key}'`);
  assert.deepEqual(sorted(Object.keys(doc)), sorted([...MEASURED.top, 'replicas', 'selfCheck']));
  assert.deepEqual(sorted(Object.keys(doc.device)), sorted(MEASURED.device));
  assert.deepEqual(doc.links.map((l: { bytes: number }) => l.bytes), [786432, 4194304, 67108864, 536870912]);
  for (const l of doc.links) assert.deepEqual(sorted(Object.keys(l)), sorted(MEASURED.link));
  assert.deepEqual(sorted(Object.keys(doc.launch)), sorted(MEASURED.launch));
  for (const p of doc.pairs) assert.deepEqual(sorted(Object.keys(p)), sorted(MEASURED.pair));
  for (const m of doc.models) {
    assert.deepEqual(sorted(Object.keys(m)), sorted(MEASURED.model));
    assert.deepEqual(sorted(Object.keys(m.eager)), sorted(MEASURED.timing));
    assert.deepEqual(sorted(Object.keys(m.graph)), sorted(MEASURED.timing));
  }
  for (const batch of [1, 8]) {
    assert.deepEqual(doc.models.filter((m: { batch: number }) => m.batch === batch).map((m: { model: string }) => m.model), ZOO_MODELS);
  }
  assert.deepEqual(doc.replicas.map((x: { k: number }) => x.k), [1, 2, 4, 8]);
  for (const key of MEASURED.fields) assert.ok(key in doc.fields, `fields lacks '${key}'`);
  assert.ok('replicas' in doc.fields);
});

test('torch-reference.py --self-check computes what its fields say (GB/s, slowdown, pairsBeta, per-kernel time, replicas)', () => {
  const doc = JSON.parse(python(['--self-check']).stdout);
  // Synthetic inputs of the self-check: every copy 1 ms pageable and 0.5 ms pinned; pairs 2 -> 3 ms and 2 -> 2.5 ms;
  // a graph of 64 kernels 50 us; replicas wall 40 x sqrt(k) ms for 20 replays each.
  const link = doc.links[1];
  assert.equal(link.h2dPageableGBps, Number((4194304 / 1e-3 / 1e9).toFixed(2)));
  assert.equal(link.h2dPinnedGBps, Number((4194304 / 0.5e-3 / 1e9).toFixed(2)));
  assert.equal(doc.pairs[0].slowdown, 0.5);
  assert.equal(doc.pairs[1].slowdown, 0.25);
  assert.equal(doc.pairsBeta, (1 + 0.5) / 4);
  assert.ok(Math.abs(doc.launch.perKernelInGraphUs - 50 / 64) <= 1e-4, String(doc.launch.perKernelInGraphUs));
  const two = doc.replicas.find((x: { k: number }) => x.k === 2);
  assert.equal(two.speedup, Number(((2 * 40) / (40 * Math.SQRT2)).toFixed(3)));
  assert.equal(doc.models[0].eager.medianMs, 2);
  assert.equal(doc.models[0].eager.n, 3);
});

test('torch-reference.py refuses in one line, exit 3, where PyTorch has no CUDA device, and writes nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torch-stand-in-'));
  try {
    fs.mkdirSync(path.join(dir, 'torch'));
    fs.writeFileSync(path.join(dir, 'torch', '__init__.py'), '__version__ = "0.0-stand-in"\nclass cuda:\n    @staticmethod\n    def is_available():\n        return False\n');
    const out = path.join(dir, 'out.json');
    const r = python(['--out', out], { PYTHONPATH: dir });
    assert.equal(r.status, 3, r.stderr);
    assert.deepEqual(r.stderr.trim().split('\n'), ['torch-reference.py: no CUDA device here (torch 0.0-stand-in, torch.cuda.is_available() is False)']);
    assert.ok(!fs.existsSync(out), 'it wrote a file without measuring');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('torch-reference.py refuses bad arguments with one line and exit 2', () => {
  for (const args of [[], ['--out', '/tmp/x.json', '--models', 'resnet50,alexnet']]) {
    const r = python(args);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^torch-reference\.py: /);
  }
});
