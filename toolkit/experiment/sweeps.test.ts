import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuBackend } from '../runtime/cpu-backend';
import { granularityTable, modelLimits, poolSavings, sweepBudgets, thresholdSweep } from './sweeps';
import { tinyWorkspace } from './tiny-workload.test-helper';

test('thresholdSweep marks thresholds below the smallest feasible one, and plans every other', async () => {
  const ws = await tinyWorkspace();
  const b = ws.opened.get('b')!;
  const limits = modelLimits(b);
  assert.ok(limits.minFeasibleThresholdBytes > 0 && limits.minFeasibleThresholdBytes <= limits.peakBytes);
  const points = thresholdSweep(b, { fromPct: 10, toPct: 100, stepPct: 10 });
  assert.equal(points.length, 10);
  const infeasible = points.filter((p) => !p.feasible);
  const feasible = points.filter((p) => p.feasible);
  assert.ok(infeasible.length > 0 && feasible.length > 0, 'the range crosses the smallest feasible threshold');
  for (const p of infeasible) assert.ok(p.thresholdBytes < limits.minFeasibleThresholdBytes && p.tasks === 0);
  for (const p of feasible) assert.ok(p.thresholdBytes >= limits.minFeasibleThresholdBytes && p.tasks >= 1);
  for (let i = 1; i < feasible.length; i++) assert.ok(feasible[i].tasks <= feasible[i - 1].tasks, 'fewer tasks as the threshold grows');
  assert.equal(feasible[feasible.length - 1].tasks, 1, 'one task at 100% of the peak');
});

test('granularityTable: one task, one per layer (a MatMul with the Relu after it), and quilt clamped to the smallest feasible threshold', async () => {
  const ws = await tinyWorkspace();
  const b = ws.opened.get('b')!;
  const [model, quilt, layer] = granularityTable(b, '1%');
  assert.deepEqual([model.granularity, quilt.granularity, layer.granularity], ['model', 'quilt', 'layer']);
  assert.equal(model.tasks, 1);
  assert.equal(layer.tasks, b.graph.nodes.filter((n) => n.opType === 'MatMul').length);
  assert.ok(layer.tasks < b.graph.nodes.length, 'the Relus joined their MatMuls');
  // At the smallest feasible threshold quilt may cut finer than layers (a MatMul with its Relu can demand more
  // than the largest operator alone), never finer than operators.
  assert.ok(quilt.tasks > 1 && quilt.tasks <= b.graph.nodes.length);
  assert.equal(quilt.thresholdBytes, modelLimits(b).minFeasibleThresholdBytes);
  assert.ok(quilt.largestDemandBytes <= quilt.thresholdBytes && quilt.largestDemandBytes <= model.largestDemandBytes);
  assert.ok(layer.largestDemandBytes <= model.largestDemandBytes);
});

test('poolSavings: with the pool off every cut tensor goes down and up; with it on nothing moves', async () => {
  const ws = await tinyWorkspace();
  const rows = poolSavings(ws, '1%');
  assert.deepEqual(rows.map((r) => r.model), ['a', 'b']);
  assert.ok(rows.some((r) => r.cutBytes > 0));
  for (const r of rows) {
    assert.equal(r.poolOnTransferBytes, 0);
    assert.equal(r.poolOffTransferBytes, 2 * r.cutBytes);
    assert.equal(r.cutBytes, ws.plan(r.model, 'quilt', '1%').cutBytes);
  }
});

test('sweepBudgets: a budget below a policy\'s need is a cannot row with the bytes; a roomy one runs', async () => {
  const ws = await tinyWorkspace();
  const backend = new CpuBackend({ lanes: 1 });
  try {
    const need = ws.neededBudgetBytes(['model-level'], { runtime: await backend.runtimeMemory() });
    const steps: boolean[] = [];
    const sweep = await sweepBudgets({
      workspace: ws, backend, budgets: [need - 1, '200%'], policies: ['model-level'], onStep: (s) => steps.push(s.ran),
    });
    assert.deepEqual(steps, [false, true]);
    assert.equal(sweep.cannot.length, 1);
    assert.equal(sweep.cannot[0].neededBytes, need);
    assert.equal(sweep.cannot[0].budgetBytes, need - 1);
    assert.equal(sweep.points.length, 1);
    assert.equal(sweep.points[0].completed, 6);
  } finally {
    await backend.close();
  }
});
