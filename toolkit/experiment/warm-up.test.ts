/** Warm start (warm-up.ts) and shared weight uploads (deploy.ts), on hand-built cases and the simulated device. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestRow, TimelineRow } from '../core/rows';
import { writeModel } from '../onnx/write';
import { resolveShapesStatic } from '../shapes';
import { fileOrder } from '../graph/order';
import { propose } from '../partition/propose';
import { SimBackend } from '../sim/sim-backend';
import { testProfile, tinyNet } from '../sim/test-support';
import { WorkloadSpec } from '../workload';
import { deployPlan } from './deploy';
import { runWorkload } from './run';
import { measuredPart, withWarmUp } from './warm-up';

const request = (id: number, arrivalMs: number) => ({ id, model: 'm', arrivalMs, makeInputs: () => ({}) });

test('withWarmUp: warm-up copies first (ids n..2n-1), measured requests keep their ids, arrivals shifted past the warm-up', () => {
  const all = withWarmUp([request(0, 5), request(1, 9)]);
  assert.deepEqual(all.map((r) => [r.id, r.arrivalMs]), [[2, 5], [3, 9], [0, 14], [1, 18]]);
});

function row(requestId: number, arrivalMs: number, endMs: number): RequestRow {
  return {
    requestId, model: 'm', policy: 'p', backend: 'b', budgetBytes: 100, arrivalMs, startMs: arrivalMs, endMs,
    latencyMs: endMs - arrivalMs, queueingMs: 0, executionMs: endMs - arrivalMs, transferBytes: 7, tasks: 1, status: 'ok', error: '',
  };
}

function sample(timeMs: number, totalBytes: number): TimelineRow {
  return { policy: 'p', timeMs, weightBytes: totalBytes, activationBytes: 0, poolBytes: 0, totalBytes, budgetBytes: 100, oomRequestId: -1 };
}

test('measuredPart: measured rows only, times from the first measured arrival, the ledger state carried in', () => {
  const rows = [row(2, 0, 10), row(3, 0, 12), row(0, 10, 15), row(1, 12, 20)];
  const timeline = [sample(0, 50), sample(8, 90), sample(11, 30), sample(20, 0)];
  const part = measuredPart({ rows, timeline, summary: undefined as never, waits: [] }, 2, { policy: 'p', backend: 'b', budgetBytes: 100 });
  assert.deepEqual(part.rows.map((r) => [r.requestId, r.arrivalMs, r.endMs, r.latencyMs]), [[0, 0, 5, 5], [1, 2, 10, 8]]);
  assert.deepEqual(part.timeline.map((s) => [s.timeMs, s.totalBytes]), [[0, 90], [1, 30], [10, 0]]);
  assert.equal(part.summary.requests, 2);
  assert.equal(part.summary.meanLatencyMs, 6.5);
  assert.equal(part.summary.makespanMs, 10);
  // The warm-up's peak (90 at 8 ms) is carried in as the state at t0; nothing of the warm-up's rows is counted.
  assert.equal(part.summary.peakResidentBytes, 90);
  assert.equal(part.summary.transferBytes, 14);
});

test('deploy: two runs of one task whose weights are not loaded share one upload', async () => {
  const graph = resolveShapesStatic(tinyNet());
  const plan = propose(graph, fileOrder(graph), { granularity: 'model' });
  const backend = new SimBackend(testProfile(), 'test.json');
  let loads = 0;
  const load = backend.load.bind(backend);
  backend.load = (model, options) => { loads++; return load(model, options); };
  backend.startRun();
  const live = await deployPlan(plan, backend, { pool: true }, backend.taskModels(plan));
  const session = live.deployment.tasks[0].session;
  const x = backend.tensor('float32', null, [1, 2, 4, 4]);
  await Promise.all([session.run({ x }), session.run({ x })]);
  assert.equal(loads, 1);
  // Negative: after an eviction the next run uploads again, so the count can grow.
  await live.deployment.tasks[0].unloadWeights?.();
  await session.run({ x });
  assert.equal(loads, 2);
  await live.dispose();
});

test('--warm on the simulated device: the measured requests pay no first uploads, cold ones do', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-warm-'));
  try {
    const file = path.join(dir, 'tiny.onnx');
    fs.writeFileSync(file, writeModel(tinyNet()));
    const workload: WorkloadSpec = {
      name: 'tiny', description: 'test', seed: 3, requests: 6, arrival: { process: 'closed', clients: 2, thinkMs: 0 },
      models: [{ name: 'tiny', model: file, batch: 1, seq: undefined, share: 1, inputValues: {} }],
    };
    // A slow link (1 MB/s): the tiny model's 1.2 kB of weights take 1.2 ms to upload, its run about 0.1 ms.
    const slow = { bytesPerS: { value: 1e6, source: 'test' }, latencyMs: { value: 0, source: 'test' } };
    const run = (warm: boolean) => runWorkload({
      workload, backend: new SimBackend(testProfile({ h2d: slow }), 'test.json'), policies: ['model-level', 'triton-style'], budget: '400%', warm,
    });
    const cold = await run(false);
    const warm = await run(true);
    assert.equal(warm.warm, true);
    assert.equal(cold.warm, false);
    for (const policy of ['model-level', 'triton-style']) {
      const c = cold.summaries.find((s) => s.policy === policy)!;
      const w = warm.summaries.find((s) => s.policy === policy)!;
      assert.equal(w.requests, 6);
      assert.ok(w.meanLatencyMs < c.meanLatencyMs, `${policy}: warm ${w.meanLatencyMs} ms, cold ${c.meanLatencyMs} ms`);
    }
    assert.deepEqual(warm.rows.filter((r) => r.policy === 'model-level').map((r) => r.requestId), [0, 1, 2, 3, 4, 5]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
