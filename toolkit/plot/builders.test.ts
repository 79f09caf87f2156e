import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { TimelineRow } from '../core/rows';
import { toFrame } from '../core/frames';
import { Figure, Trace } from './figure';
import { LatencyRow, latencyByPolicy } from './latency-by-policy';
import { latencyCdf } from './latency-cdf';
import { budgetSweep } from './budget-sweep';
import { memoryTimeline } from './memory-timeline';
import { thresholdSweep } from './threshold-sweep';
import { memoryProfile } from './memory-profile';
import { mean } from './stats';

const MiB = 2 ** 20;

const requests: LatencyRow[] = [
  { policy: 'quilt', latencyMs: 10, status: 'ok' },
  { policy: 'unmanaged', latencyMs: 50, status: 'ok' },
  { policy: 'quilt', latencyMs: 30, status: 'ok' },
  { policy: 'quilt', latencyMs: 20, status: 'ok' },
  { policy: 'unmanaged', latencyMs: 999, status: 'oom' },
];

function trace(figure: Figure, name: string): Trace {
  const found = figure.data.find((t) => t.name === name);
  assert.ok(found, `a trace named '${name}' in ${figure.data.map((t) => t.name).join(', ')}`);
  return found;
}

function axisTitleOf(figure: Figure, axis: string): string {
  return ((figure.layout[axis] as { title: { text: string } }).title).text;
}

test('mean of nothing is NaN', () => {
  assert.equal(mean([10, 20, 30]), 20);
  assert.ok(Number.isNaN(mean([])));
});

test('latencyByPolicy: bars of the mean of completed requests, p95 markers, policies in order seen', () => {
  const figure = latencyByPolicy(requests);
  const bars = trace(figure, 'mean');
  assert.equal(bars.type, 'bar');
  assert.deepEqual(bars.x, ['quilt', 'unmanaged']);
  assert.deepEqual(bars.y, [20, 50]);
  assert.deepEqual(bars.text, ['3 ok, 0 failed', '1 ok, 1 failed']);
  const p95 = trace(figure, 'p95');
  assert.deepEqual(p95.x, ['quilt', 'unmanaged']);
  assert.deepEqual(p95.y, [30, 50]); // nearest rank (core/percentile.ts), as in the run summaries
  assert.equal(axisTitleOf(figure, 'yaxis'), 'Latency (ms)');
});

test('latencyByPolicy box mode: one box per policy with its completed latencies', () => {
  const figure = latencyByPolicy(requests, { mode: 'box' });
  assert.deepEqual(figure.data.map((t) => [t.type, t.name, t.y]), [
    ['box', 'quilt', [10, 30, 20]],
    ['box', 'unmanaged', [50]],
  ]);
});

test('latencyByPolicy accepts a DataFrame and names a missing column', () => {
  assert.deepEqual(trace(latencyByPolicy(toFrame(requests)), 'mean').y, [20, 50]);
  assert.throws(() => latencyByPolicy([{ policy: 'x', latencyMs: 1 }] as unknown as LatencyRow[]),
    (e: unknown) => e instanceof QuiltError && /latencyByPolicy: row 0 has no column 'status'/.test(e.message));
});

test('latencyCdf: sorted latencies against the fraction of completed requests, per policy', () => {
  const figure = latencyCdf(requests);
  assert.deepEqual(trace(figure, 'quilt').x, [10, 20, 30]);
  assert.deepEqual(trace(figure, 'quilt').y, [1 / 3, 2 / 3, 1]);
  assert.deepEqual(trace(figure, 'unmanaged').x, [50]);
  assert.deepEqual(trace(figure, 'unmanaged').y, [1]);
  assert.equal(axisTitleOf(figure, 'xaxis'), 'Latency (ms)');
});

function sample(policy: string, timeMs: number, w: number, a: number, p: number, oom = -1): TimelineRow {
  return {
    policy, timeMs, weightBytes: w * MiB, activationBytes: a * MiB, poolBytes: p * MiB,
    totalBytes: (w + a + p) * MiB, budgetBytes: 8 * MiB, oomRequestId: oom,
  };
}

const timeline: TimelineRow[] = [
  sample('quilt', 5, 2, 1, 1), sample('quilt', 0, 1, 0, 0), sample('quilt', 9, 2, 3, 1, 4),
  sample('unmanaged', 0, 4, 0, 0), sample('unmanaged', 3, 4, 2, 0),
];

test('memoryTimeline for one policy: stacked MiB by kind, a dashed budget, red x at out-of-memory instants', () => {
  const figure = memoryTimeline(timeline, { policy: 'quilt' });
  for (const [name, y] of [['weights', [1, 2, 2]], ['activations', [0, 1, 3]], ['pool', [0, 1, 1]]] as const) {
    const t = trace(figure, name);
    assert.deepEqual(t.x, [0, 5, 9], name);
    assert.deepEqual(t.y, y, name);
    assert.equal(t.stackgroup, 'resident1');
  }
  const budget = trace(figure, 'budget');
  assert.deepEqual(budget.y, [8, 8, 8]);
  assert.equal((budget.line as { dash: string }).dash, 'dash');
  const oom = trace(figure, 'out of memory');
  assert.deepEqual([oom.x, oom.y], [[9], [6]]);
  assert.deepEqual((oom.marker as { symbol: string; color: string }), { symbol: 'x', size: 10, color: 'red' });
  assert.equal(axisTitleOf(figure, 'yaxis'), 'Resident (MiB)');
  assert.equal(axisTitleOf(figure, 'xaxis'), 'Time (ms)');
});

test('memoryTimeline with several policies: one panel per policy on its own axes', () => {
  const figure = memoryTimeline(timeline);
  const panels = figure.data.filter((t) => t.name === 'weights');
  assert.deepEqual(panels.map((t) => [t.xaxis, t.yaxis, t.x]), [['x', 'y', [0, 5, 9]], ['x2', 'y2', [0, 3]]]);
  assert.equal(figure.data.filter((t) => t.name === 'out of memory').length, 1, 'unmanaged had no OOM');
  assert.deepEqual((figure.layout.grid as { rows: number }).rows, 2);
  assert.equal(axisTitleOf(figure, 'yaxis2'), 'Resident (MiB)');
  assert.throws(() => memoryTimeline(timeline, { policy: 'triton-style' }), /no timeline rows for policy 'triton-style'/);
});

test('thresholdSweep: tasks on the left axis, pool MiB on the right, sorted by threshold, per model', () => {
  const figure = thresholdSweep([
    { model: 'mlp', thresholdBytes: 8 * MiB, tasks: 2, poolBytes: 1 * MiB, cutBytes: 2 * MiB },
    { model: 'mlp', thresholdBytes: 4 * MiB, tasks: 5, poolBytes: 2 * MiB, cutBytes: 6 * MiB },
    { model: 'cnn', thresholdBytes: 16 * MiB, tasks: 1, poolBytes: 0, cutBytes: 0 },
  ]);
  assert.deepEqual(trace(figure, 'mlp tasks').x, [4, 8]);
  assert.deepEqual(trace(figure, 'mlp tasks').y, [5, 2]);
  assert.deepEqual(trace(figure, 'mlp pool').y, [2, 1]);
  assert.equal(trace(figure, 'mlp pool').yaxis, 'y2');
  assert.deepEqual(trace(figure, 'cnn tasks').x, [16]);
  assert.equal(axisTitleOf(figure, 'xaxis'), 'Threshold (MiB)');
  assert.equal(axisTitleOf(figure, 'yaxis2'), 'Pool (MiB)');
});

test('memoryProfile: live MiB per step and the peak marked at its operator', () => {
  const figure = memoryProfile([
    { step: 1, node: 'conv1', op: 'Conv', liveActivationBytes: 3 * MiB },
    { step: 0, node: 'in', op: 'Identity', liveActivationBytes: 1 * MiB },
    { step: 2, node: 'relu1', op: 'Relu', liveActivationBytes: 2 * MiB },
  ]);
  assert.deepEqual(trace(figure, 'live activations').x, [0, 1, 2]);
  assert.deepEqual(trace(figure, 'live activations').y, [1, 3, 2]);
  const peak = trace(figure, 'peak');
  assert.deepEqual([peak.x, peak.y, peak.text], [[1], [3], ['peak at Conv conv1']]);
  assert.equal(axisTitleOf(figure, 'yaxis'), 'Live activations (MiB)');
});

test('budgetSweep: mean and p95 latency against the budget in MiB, sorted by budget, per policy', () => {
  const MiB = 2 ** 20;
  const figure = budgetSweep([
    { policy: 'quilt', budgetBytes: 200 * MiB, meanLatencyMs: 12, p95LatencyMs: 20 },
    { policy: 'quilt', budgetBytes: 100 * MiB, meanLatencyMs: 11, p95LatencyMs: 19 },
    { policy: 'model-level', budgetBytes: 100 * MiB, meanLatencyMs: 30, p95LatencyMs: 60 },
  ]);
  assert.deepEqual(figure.data.map((t) => t.name), ['quilt mean', 'quilt p95', 'model-level mean', 'model-level p95']);
  assert.deepEqual(figure.data[0].x, [100, 200]);
  assert.deepEqual(figure.data[0].y, [11, 12]);
  assert.deepEqual(figure.data[1].y, [19, 20]);
  assert.deepEqual(figure.data[3].y, [60]);
});

test('regimeHeatmap: budgets by size as columns, one row per regime, the ratio and its spread in each cell', async () => {
  const { regimeHeatmap } = await import('./regime-heatmap');
  const r = (budget: string, budgetBytes: number, prefetch: string, meanRatio: number, policy = 'quilt') => ({
    budget, budgetBytes, hostMemory: 'pageable', prefetch, threshold: '50%', policy, meanRatio, meanRatioMin: meanRatio - 0.1, meanRatioMax: meanRatio + 0.1, p95Ratio: 2 * meanRatio,
  });
  const fig = regimeHeatmap([r('100%', 100, 'off', 1.1), r('60%', 60, 'off', 0.9), r('60%', 60, 'on', 0.8), r('60%', 60, 'on', 5, 'layer-level')]);
  const t = fig.data[0] as unknown as { x: string[]; y: string[]; z: (number | null)[][]; text: string[][]; zmid: number };
  assert.deepEqual(t.x, ['60%', '100%']);
  assert.deepEqual(t.y, ['pageable, prefetch off, threshold 50%', 'pageable, prefetch on, threshold 50%']);
  assert.deepEqual(t.z, [[0.9, 1.1], [0.8, null]]);
  assert.equal(t.text[0][0], '0.90 (0.80-1.00)');
  assert.equal(t.zmid, 1);
  const p95 = regimeHeatmap([r('60%', 60, 'off', 0.9)], { metric: 'p95' }).data[0] as unknown as { z: number[][] };
  assert.deepEqual(p95.z, [[1.8]]);
  assert.throws(() => regimeHeatmap([{ budget: '1' } as never]), QuiltError);
});
