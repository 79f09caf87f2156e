import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { openBackend } from '../sim/open';
import { RegimeRow, ratioSummary, regimeSweep, runsPerCell } from './regime-sweep';
import { tinySpec } from './tiny-workload.test-helper';

const FIELDS = ['budget', 'budgetBytes', 'hostMemory', 'prefetch', 'threshold', 'seed', 'policy', 'meanLatencyMs', 'p95LatencyMs',
  'peakResidentBytes', 'oom', 'uploadBytes', 'uploadWaitMs', 'memoryWaitMs', 'computeMs'];

test('regimeSweep: every combination once (quilt per threshold), rows with exactly the fields of the map', async () => {
  const r = await regimeSweep({
    workload: tinySpec(), openBackend: () => openBackend('sim:h100'), policies: ['quilt', 'model-level'],
    budgets: ['100%', 'unlimited'], hostMemory: ['pageable'], prefetch: [false, true], thresholds: ['50%', 'auto'], seeds: [1, 2],
  });
  assert.equal(r.rows.length + r.cannot.length, 2 * 2 * 2 * runsPerCell(['quilt', 'model-level'], ['50%', 'auto']));
  assert.equal(runsPerCell(['quilt', 'model-level'], ['50%', 'auto']), 3);
  for (const row of r.rows) assert.deepEqual(Object.keys(row), FIELDS);
  assert.ok(r.rows.every((row) => row.computeMs > 0 && row.uploadBytes > 0), 'a cold simulated GPU uploads weights and computes');
  assert.deepEqual(new Set(r.rows.filter((x) => x.policy === 'model-level').map((x) => x.threshold)), new Set(['']));
  assert.equal(r.summary.length, 2 * 2 * 2, 'one ratio per budget x prefetch x threshold');
  assert.ok(r.rows.some((x) => x.prefetch === 'on') && r.rows.some((x) => x.prefetch === 'off'));
});

test('regimeSweep: a host-memory kind the backend refuses stops the sweep with its error', async () => {
  await assert.rejects(regimeSweep({
    workload: tinySpec(), openBackend: async (k) => { throw new QuiltError(`no ${k}`); }, policies: ['quilt'],
    budgets: ['100%'], hostMemory: ['pinned'], prefetch: [false], thresholds: ['50%'], seeds: [1],
  }), /no pinned/);
});

function row(policy: string, seed: number, mean: number, p95: number, threshold = ''): RegimeRow {
  return { budget: '60%', budgetBytes: 1, hostMemory: 'pageable', prefetch: 'on', threshold, seed, policy, meanLatencyMs: mean,
    p95LatencyMs: p95, peakResidentBytes: 0, oom: 0, uploadBytes: 0, uploadWaitMs: 0, memoryWaitMs: 0, computeMs: 0 };
}

test('ratioSummary: over model-level at the same seed; mean, min and max over seeds; unmatched seeds left out', () => {
  const rows = [
    row('model-level', 1, 10, 20), row('model-level', 2, 20, 40),
    row('quilt', 1, 8, 30, '50%'), row('quilt', 2, 10, 20, '50%'), row('quilt', 3, 1, 1, '50%'),
  ];
  const [s] = ratioSummary(rows);
  assert.equal(s.seeds, 2);
  assert.equal(s.meanRatio, (0.8 + 0.5) / 2);
  assert.deepEqual([s.meanRatioMin, s.meanRatioMax], [0.5, 0.8]);
  assert.equal(s.p95Ratio, (1.5 + 0.5) / 2);
  assert.equal(s.threshold, '50%');
  assert.deepEqual(ratioSummary(rows.filter((x) => x.policy !== 'model-level')), [], 'no baseline, no ratio');
});

test('regimeSweepInWorkers: seeds in two worker threads give the rows of one thread, in the same order', async () => {
  const { regimeSweepInWorkers } = await import('./regime-sweep-parallel');
  const grid = { workload: tinySpec(), backendChoice: 'sim:h100', policies: ['quilt', 'model-level'], budgets: ['100%'],
    hostMemory: ['pageable'], prefetch: [false, true], thresholds: ['50%'], seeds: [1, 2, 3] };
  const steps: number[] = [];
  const one = await regimeSweepInWorkers({ ...grid, jobs: 1 });
  const two = await regimeSweepInWorkers({ ...grid, jobs: 2, onStep: (done) => steps.push(done) });
  assert.equal(one.rows.length, 12);
  assert.deepEqual(two.rows, one.rows);
  assert.deepEqual(two.summary, one.summary);
  assert.deepEqual(steps, Array.from({ length: 12 }, (_, i) => i + 1));
});
