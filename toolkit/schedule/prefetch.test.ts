/**
 * Uploads on the copy engine and prefetch, on hand-built cases with hand-computed times (fake backend, virtual
 * clock, a FakeLink of 1 ms per KiB of weights).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeBackend } from '../runtime/fake-backend.test-helper';
import { VirtualClock } from '../core/clock';
import { Deployment } from './deployment';
import { DeviceLedger } from './device-ledger';
import { FakeLink, FakeModel, fakeDeployment, fakeInputs } from './fake-deployments.test-helper';
import { createPolicy } from './policies';
import { nextToPrefetch } from './prefetch';
import { runSchedule, ScheduledRequest } from './scheduler';

const KiB = 1024;

/** Two layers: 10 KiB of weights each (10 ms to upload), 20 ms of compute each. */
const CHAIN: FakeModel = {
  name: 'c', inputBytes: 1 * KiB,
  layers: [
    { weightBytes: 10 * KiB, activationBytes: 4 * KiB, outputBytes: 1 * KiB, costMs: 20 },
    { weightBytes: 10 * KiB, activationBytes: 4 * KiB, outputBytes: 1 * KiB, costMs: 20 },
  ],
};

async function run(policyName: string, models: readonly FakeModel[], requests: ScheduledRequest[], options: { prefetch: boolean; concurrency: number; budget?: number }) {
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms), hasDeviceMemory: true });
  const link = new FakeLink(clock, 1);
  const policy = createPolicy(policyName);
  const deployments = new Map<string, Deployment>();
  for (const m of models) deployments.set(m.name, await fakeDeployment(backend, m, policy.granularity, Infinity, { link }));
  const result = await runSchedule({
    requests, deployments, backend, clock, policy, budgetBytes: options.budget ?? 1024 * KiB,
    concurrency: options.concurrency, prefetch: options.prefetch,
  });
  return { result, link };
}

const one = (m: FakeModel): ScheduledRequest[] => [{ id: 0, model: m.name, arrivalMs: 0, makeInputs: () => fakeInputs(m) }];

test('prefetch: the next task uploads while the current one computes (layer-level, one request)', async () => {
  // Off: upload 0 (10) + compute 0 (20) + upload 1 (10) + compute 1 (20) = 60 ms.
  // On: upload 1 starts when compute 0 starts (t = 10) and ends at 20, before compute 0 ends at 30: 50 ms.
  const off = await run('layer-level', [CHAIN], one(CHAIN), { prefetch: false, concurrency: 1 });
  const on = await run('layer-level', [CHAIN], one(CHAIN), { prefetch: true, concurrency: 1 });
  assert.equal(off.result.rows[0].latencyMs, 60);
  assert.equal(on.result.rows[0].latencyMs, 50);
  assert.deepEqual(off.result.waits[0], { requestId: 0, uploadBytes: 20 * KiB, uploadWaitMs: 20, memoryWaitMs: 0, computeMs: 40 });
  assert.deepEqual(on.result.waits[0], { requestId: 0, uploadBytes: 20 * KiB, uploadWaitMs: 10, memoryWaitMs: 0, computeMs: 40 });
  // The same bytes go up either way; the prefetch moved them earlier.
  assert.equal(on.result.rows[0].transferBytes, off.result.rows[0].transferBytes);
  assert.equal(on.link.uploads.length, 2);
});

test('prefetch: model-level has no next task, so it uploads a whole model before its request starts either way', async () => {
  const off = await run('model-level', [CHAIN], one(CHAIN), { prefetch: false, concurrency: 1 });
  const on = await run('model-level', [CHAIN], one(CHAIN), { prefetch: true, concurrency: 1 });
  assert.equal(off.result.rows[0].latencyMs, 20 + 40);
  assert.equal(on.result.rows[0].latencyMs, off.result.rows[0].latencyMs);
});

test('an upload holds the copy engine, not a compute slot', async () => {
  // Two models of one task each (20 KiB of weights: 20 ms up; 40 ms of compute), concurrency 1, both at t = 0.
  // A: upload 0-20, compute 20-60; B's upload queues behind A's (20-40) while A computes; B computes 60-100.
  // Had an upload held the slot, B would be admitted only at 60 and end at 60 + 20 + 40 = 120.
  const b: FakeModel = { ...CHAIN, name: 'b' };
  const requests = [CHAIN, b].map((m, id) => ({ id, model: m.name, arrivalMs: 0, makeInputs: () => fakeInputs(m) }));
  const { result } = await run('model-level', [CHAIN, b], requests, { prefetch: false, concurrency: 1 });
  assert.deepEqual(result.rows.map((r) => r.endMs), [60, 100]);
  assert.deepEqual(result.waits.map((w) => w.uploadWaitMs), [20, 40]);
});

test('prefetch: never past the budget, and never evicting weights a live request needs within one task', async () => {
  // Budget: one task's weights + activations (14 KiB) + 10 KiB: task 1's weights fit beside task 0 only if nothing
  // else is there. Here they fit exactly: 10 + 4 + 10 = 24 KiB.
  const tight = await run('layer-level', [CHAIN], one(CHAIN), { prefetch: true, concurrency: 1, budget: 24 * KiB });
  assert.equal(tight.result.rows[0].latencyMs, 50);
  // One byte less: the prefetch does not fit and waits; the task uploads on its miss as without prefetch.
  const short = await run('layer-level', [CHAIN], one(CHAIN), { prefetch: true, concurrency: 1, budget: 24 * KiB - 1 });
  assert.equal(short.result.rows[0].latencyMs, 60);
  for (const s of short.result.timeline) assert.ok(s.totalBytes <= 24 * KiB - 1);
});

test('nextToPrefetch: the task after the running one, unless resident, in flight, weightless or the last', async () => {
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms), hasDeviceMemory: true });
  const d = await fakeDeployment(backend, CHAIN, 'layer', Infinity, { link: new FakeLink(clock, 1) });
  const ledger = new DeviceLedger(1024 * KiB, { policy: 'p', now: () => 0 });
  assert.equal(nextToPrefetch({ deployment: d, tasksRun: 0 }, ledger, new Map()), d.tasks[1]);
  assert.equal(nextToPrefetch({ deployment: d, tasksRun: 1 }, ledger, new Map()), undefined);
  assert.equal(nextToPrefetch({ deployment: d, tasksRun: 0 }, ledger, new Map([[d.tasks[1].weightsKey, 1]])), undefined);
  ledger.tryReserve({ requestId: 0, weightsKey: d.tasks[1].weightsKey, weightBytes: 10 * KiB, activationBytes: 0, poolBytes: 0 });
  assert.equal(nextToPrefetch({ deployment: d, tasksRun: 0 }, ledger, new Map()), undefined);
  const loaded = await fakeDeployment(backend, CHAIN, 'layer');
  assert.equal(nextToPrefetch({ deployment: loaded, tasksRun: 0 }, ledger, new Map()), undefined, 'sessions stay loaded: nothing to upload');
});

test('ledger: a reservation that spares wanted weights does not evict them, and does not fit by counting them', () => {
  const wanted = new Map([['near', 1], ['far', 3]]);
  const ledger = new DeviceLedger(30, { policy: 'p', now: () => 0, wanted: () => wanted });
  const hold = (key: string, bytes: number) => ledger.release(ledger.tryReserve({ requestId: 0, weightsKey: key, weightBytes: bytes, activationBytes: 0, poolBytes: 0 })!);
  hold('near', 10);
  hold('far', 10);
  hold('other', 10);
  const r = { requestId: 1, weightsKey: 'new', weightBytes: 20, activationBytes: 0, poolBytes: 0 };
  // Sparing distance <= 1: 'other' and 'far' may go (20 bytes), 'near' stays.
  const t = ledger.tryReserve(r, { spareWantedWithin: 1 });
  assert.ok(t);
  assert.deepEqual(ledger.residentWeights().sort(), ['near', 'new']);
  ledger.release(t);
  // Now only 'new' (unwanted) is evictable besides 'near': 25 bytes sparing 'near' cannot fit; without sparing it can.
  const big = { requestId: 2, weightsKey: 'big', weightBytes: 25, activationBytes: 0, poolBytes: 0 };
  assert.equal(ledger.fits(big, { spareWantedWithin: 1 }), false);
  assert.equal(ledger.fits(big), true);
});

test('request waits: memory waits only while a compute slot is free; a shared upload is waited for once, without a slot', async () => {
  const two = [0, 1].map((id) => ({ id, model: CHAIN.name, arrivalMs: 0, makeInputs: () => fakeInputs(CHAIN) }));
  // model-level, budget = one request (20 KiB weights + 4 KiB activations), 2 slots: request 1 waits for memory
  // while request 0 uploads (0-20) and computes (20-60), then computes 60-100 on the resident weights.
  const tight = await run('model-level', [CHAIN], two, { prefetch: false, concurrency: 2, budget: 24 * KiB });
  assert.deepEqual(tight.result.waits.map((w) => [w.uploadWaitMs, w.memoryWaitMs, w.computeMs]), [[20, 0, 40], [0, 60, 40]]);
  // Room for both, 1 slot: both admitted at 0, request 1 waits on request 0's upload (one upload), then for the slot
  // (20-60), which is neither an upload nor a memory wait.
  const slot = await run('model-level', [CHAIN], two, { prefetch: false, concurrency: 1 });
  assert.deepEqual(slot.result.waits.map((w) => [w.uploadWaitMs, w.memoryWaitMs, w.computeMs]), [[20, 0, 40], [20, 0, 40]]);
  assert.deepEqual(slot.result.rows.map((r) => r.latencyMs), [60, 100]);
  assert.equal(slot.link.uploads.length, 1);
});
