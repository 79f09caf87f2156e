import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { BudgetTooSmallError, PolicyCannotStartError } from '../core/memory-errors';
import { RequestRow } from '../core/rows';
import { FakeBackend } from '../runtime/fake-backend.test-helper';
import { VirtualClock } from '../core/clock';
import { Deployment } from './deployment';
import { FakeModel, fakeDeployment, fakeInputs } from './fake-deployments.test-helper';
import { Policy } from './policy';
import { createPolicy, POLICY_NAMES } from './policies';
import { ScheduleResult, ScheduledRequest, runSchedule } from './scheduler';

const KiB = 1024;

/** Two small chain models: 'a' (3 layers) and 'b' (4 layers). */
const MODELS: FakeModel[] = [
  {
    name: 'a', inputBytes: 4 * KiB,
    layers: [
      { weightBytes: 10 * KiB, activationBytes: 20 * KiB, outputBytes: 8 * KiB, costMs: 5 },
      { weightBytes: 30 * KiB, activationBytes: 40 * KiB, outputBytes: 8 * KiB, costMs: 10 },
      { weightBytes: 10 * KiB, activationBytes: 16 * KiB, outputBytes: 4 * KiB, costMs: 5 },
    ],
  },
  {
    name: 'b', inputBytes: 8 * KiB,
    layers: [
      { weightBytes: 20 * KiB, activationBytes: 30 * KiB, outputBytes: 12 * KiB, costMs: 4 },
      { weightBytes: 20 * KiB, activationBytes: 30 * KiB, outputBytes: 12 * KiB, costMs: 4 },
      { weightBytes: 40 * KiB, activationBytes: 50 * KiB, outputBytes: 12 * KiB, costMs: 8 },
      { weightBytes: 5 * KiB, activationBytes: 10 * KiB, outputBytes: 4 * KiB, costMs: 2 },
    ],
  },
];

interface Setup {
  backend: FakeBackend;
  clock: VirtualClock;
  deployments: Map<string, Deployment>;
}

async function setup(policy: Policy, models: readonly FakeModel[] = MODELS, threshold = 80 * KiB, hasDeviceMemory = false): Promise<Setup> {
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms), hasDeviceMemory });
  const deployments = new Map<string, Deployment>();
  for (const m of models) deployments.set(m.name, await fakeDeployment(backend, m, policy.granularity, threshold));
  return { backend, clock, deployments };
}

function requestsFor(models: readonly FakeModel[], count: number, gapMs: number): ScheduledRequest[] {
  const out: ScheduledRequest[] = [];
  for (let i = 0; i < count; i++) {
    const m = models[i % models.length];
    out.push({ id: i, model: m.name, arrivalMs: i * gapMs, makeInputs: () => fakeInputs(m) });
  }
  return out;
}

async function runPolicy(
  name: string, budgetBytes: number, count = 8, concurrency = 2, prepare?: (s: Setup) => void, hasDeviceMemory = false,
): Promise<{ result: ScheduleResult; setup: Setup }> {
  const policy = createPolicy(name);
  const s = await setup(policy, MODELS, 80 * KiB, hasDeviceMemory);
  prepare?.(s);
  const result = await runSchedule({
    requests: requestsFor(MODELS, count, 3), deployments: s.deployments, backend: s.backend, clock: s.clock,
    policy, budgetBytes, concurrency,
  });
  return { result, setup: s };
}

for (const name of POLICY_NAMES) {
  test(`${name} completes a small workload within a roomy budget`, async () => {
    const { result } = await runPolicy(name, 4096 * KiB);
    assert.equal(result.rows.length, 8);
    for (const row of result.rows) {
      assert.equal(row.status, 'ok', row.error);
      assert.equal(row.policy, name);
      assert.ok(row.endMs >= row.startMs && row.startMs >= row.arrivalMs);
      assert.equal(row.latencyMs, row.endMs - row.arrivalMs);
      assert.ok(row.executionMs > 0);
    }
    assert.equal(result.summary.completed, 8);
    assert.equal(result.timeline[result.timeline.length - 1].totalBytes, 0);
  });
}

test('quilt splits models into several tasks and runs them all', async () => {
  const { result } = await runPolicy('quilt', 4096 * KiB);
  const a = result.rows.find((r) => r.model === 'a');
  const b = result.rows.find((r) => r.model === 'b');
  assert.ok(a && a.tasks > 1, 'model a is cut into several tasks');
  assert.ok(b && b.tasks > 1, 'model b is cut into several tasks');
});

test('layer-level runs one task per layer; with device memory every cut tensor goes through the host both ways', async () => {
  const { result } = await runPolicy('layer-level', 4096 * KiB, 2);
  const [a, b] = result.rows;
  assert.equal(a.tasks, 3);
  assert.equal(b.tasks, 4);
  // cpu-like backend (host memory is the device): nothing moves, nothing is counted.
  assert.equal(a.transferBytes, 0);
  assert.equal(b.transferBytes, 0);
  // With device memory: the same inputs, outputs and weight uploads as one task per model, plus every cut
  // tensor twice (a: 8 + 8 KiB cut, b: 12 * 3 KiB cut).
  const layer = (await runPolicy('layer-level', 4096 * KiB, 2, 1, undefined, true)).result.rows;
  const whole = (await runPolicy('model-level', 4096 * KiB, 2, 1, undefined, true)).result.rows;
  assert.equal(layer[0].transferBytes - whole[0].transferBytes, 2 * 16 * KiB);
  assert.equal(layer[1].transferBytes - whole[1].transferBytes, 2 * 36 * KiB);
});

test('quilt with the pool moves no cut tensors through the host', async () => {
  const { result } = await runPolicy('quilt', 4096 * KiB, 2);
  for (const row of result.rows) assert.equal(row.transferBytes, 0);
});

test('a backend with device memory counts inputs, outputs and weight uploads', async () => {
  const policy = createPolicy('model-level');
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms), hasDeviceMemory: true });
  const a = MODELS[0];
  const deployments = new Map([[a.name, await fakeDeployment(backend, a, 'model')]]);
  const requests = [0, 1].map((id) => ({ id, model: 'a', arrivalMs: id * 100, makeInputs: () => fakeInputs(a) }));
  const result = await runSchedule({
    requests, deployments, backend, clock, policy, budgetBytes: 4096 * KiB, concurrency: 1,
  });
  const weights = 50 * KiB;
  // first request uploads the weights; the second finds them cached.
  assert.equal(result.rows[0].transferBytes, 4 * KiB + weights + 4 * KiB);
  assert.equal(result.rows[1].transferBytes, 4 * KiB + 4 * KiB);
});

test('model-level reserves whole models; requests of one model share its resident weights', async () => {
  // a: 50 KiB weights + 40 KiB activations; b: 85 + 50. Under 140 KiB: a+a fits (50 + 2 * 40), a+b and b+b do not.
  const { result } = await runPolicy('model-level', 140 * KiB, 8, 4);
  assert.ok(result.rows.every((r) => r.status === 'ok'));
  assert.ok(result.rows.every((r) => r.tasks === 1));
  for (const s of result.timeline) assert.ok(s.totalBytes <= 140 * KiB);
  const overlap = (r: RequestRow, q: RequestRow): boolean => q.startMs < r.endMs && r.startMs < q.endMs;
  const pairs = result.rows.flatMap((r, i) => result.rows.slice(i + 1).map((q) => [r, q] as const));
  for (const [r, q] of pairs) {
    if (r.model !== 'a' || q.model !== 'a') assert.equal(overlap(r, q), false, `${r.requestId} and ${q.requestId}`);
  }
  assert.ok(pairs.some(([r, q]) => r.model === 'a' && q.model === 'a' && overlap(r, q)));
});

test('unmanaged fails requests with oom under a small budget and memory returns', async () => {
  const { result } = await runPolicy('unmanaged', 140 * KiB, 8, 4);
  const oom = result.rows.filter((r) => r.status === 'oom');
  assert.ok(oom.length > 0, 'some requests ran out of memory');
  assert.ok(result.rows.some((r) => r.status === 'ok'));
  for (const r of oom) assert.match(r.error, /out of memory/);
  const marked = result.timeline.filter((s) => s.oomRequestId !== -1);
  assert.equal(marked.length, oom.length);
  for (const s of marked) assert.ok(s.totalBytes > s.budgetBytes);
  assert.equal(result.summary.oom, oom.length);
  assert.equal(result.timeline[result.timeline.length - 1].totalBytes, 0);
});

test('triton-style fails to load when the models do not fit together, before any task runs', async () => {
  // Instances: a = 50 KiB weights + 40 KiB peak activations = 90 KiB; b = 85 + 50 = 135 KiB (one task: no pool).
  // Under 200 KiB, a loads first and leaves 110 KiB, less than b's 135 KiB.
  let used: Setup | undefined;
  await assert.rejects(
    runPolicy('triton-style', 200 * KiB, 8, 2, (s) => { used = s; }),
    (e: unknown) => e instanceof PolicyCannotStartError && e.policy === 'triton-style' && e.model === 'b'
      && e.neededBytes === 135 * KiB && e.freeBytes === 110 * KiB && e.budgetBytes === 200 * KiB,
  );
  assert.ok(used !== undefined);
  assert.equal(used.backend.runs, 0);
  // One byte less than both instances together still fails; exactly both together loads and runs.
  await assert.rejects(runPolicy('triton-style', 225 * KiB - 1), PolicyCannotStartError);
  const { result } = await runPolicy('triton-style', 225 * KiB);
  assert.equal(result.summary.completed, 8);
});

test('triton-style serves one request per model at a time, in arrival order per model', async () => {
  const { result } = await runPolicy('triton-style', 4096 * KiB, 8, 4);
  for (const model of ['a', 'b']) {
    const rows = result.rows.filter((r) => r.model === model);
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i].startMs >= rows[i - 1].endMs);
  }
});

test('a session that throws fails only its request, with the error in its row', async () => {
  const { result, setup: s } = await runPolicy('quilt', 4096 * KiB, 8, 2, (st) => st.backend.failOn('b', 1, 2));
  const failed = result.rows.filter((r) => r.status !== 'ok');
  assert.equal(failed.length, 1);
  assert.equal(failed[0].status, 'error');
  assert.equal(failed[0].model, 'b');
  assert.match(failed[0].error, /injected fault in b task 1 \(run 2\)/);
  assert.equal(result.summary.completed, 7);
  const last = result.timeline[result.timeline.length - 1];
  assert.deepEqual([last.weightBytes, last.activationBytes, last.poolBytes, last.totalBytes], [0, 0, 0, 0]);
  assert.ok(s.backend.runs > 0);
});

test('a budget of exactly the largest task demand plus its pool runs; one byte less is refused', async () => {
  const policy = createPolicy('quilt');
  const s = await setup(policy);
  const result = await runSchedule({
    requests: requestsFor(MODELS, 4, 1), deployments: s.deployments, backend: s.backend, clock: s.clock,
    policy, budgetBytes: (90 + 24) * KiB, concurrency: 2,
  });
  assert.equal(result.summary.completed, 4);
  const again = createPolicy('quilt');
  const t = await setup(again);
  await assert.rejects(runSchedule({
    requests: requestsFor(MODELS, 4, 1), deployments: t.deployments, backend: t.backend, clock: t.clock,
    policy: again, budgetBytes: (90 + 24) * KiB - 1, concurrency: 2,
  }), BudgetTooSmallError);
  assert.equal(t.backend.runs, 0);
});

test('a budget below the largest task demand is refused before anything runs', async () => {
  const policy = createPolicy('quilt');
  const s = await setup(policy);
  await assert.rejects(
    runSchedule({
      requests: requestsFor(MODELS, 4, 1), deployments: s.deployments, backend: s.backend, clock: s.clock,
      policy, budgetBytes: 60 * KiB, concurrency: 2,
    }),
    (e: unknown) => e instanceof BudgetTooSmallError && e.neededBytes === (90 + 24) * KiB && e.budgetBytes === 60 * KiB
      && e.model === 'b' && e.policy === 'quilt' && !e.message.includes('\n'),
  );
  assert.equal(s.backend.runs, 0);
});

test('a request for a model that is not deployed is refused', async () => {
  const policy = createPolicy('quilt');
  const s = await setup(policy);
  const requests: ScheduledRequest[] = [{ id: 0, model: 'zzz', arrivalMs: 0, makeInputs: () => ({}) }];
  await assert.rejects(
    runSchedule({ requests, deployments: s.deployments, backend: s.backend, clock: s.clock, policy,
      budgetBytes: 4096 * KiB, concurrency: 1 }),
    /request 0: model 'zzz' is not deployed/,
  );
});

test('concurrency must be a positive integer', async () => {
  const policy = createPolicy('quilt');
  const s = await setup(policy);
  await assert.rejects(
    runSchedule({ requests: [], deployments: s.deployments, backend: s.backend, clock: s.clock, policy,
      budgetBytes: 4096 * KiB, concurrency: 0 }),
    /concurrency: 0 is not a positive integer/,
  );
});

test('a closed loop sends each client\'s next request after the previous one ends', async () => {
  const policy = createPolicy('quilt');
  const s = await setup(policy);
  const result = await runSchedule({
    requests: requestsFor(MODELS, 6, 0), deployments: s.deployments, backend: s.backend, clock: s.clock,
    policy, budgetBytes: 4096 * KiB, concurrency: 4, closedLoop: { clients: 2, thinkMs: 5 },
  });
  assert.deepEqual(result.rows.slice(0, 2).map((r) => r.arrivalMs), [0, 0]);
  const ends = result.rows.map((r) => r.endMs).sort((x, y) => x - y);
  for (let i = 2; i < 6; i++) assert.equal(result.rows[i].arrivalMs, ends[i - 2] + 5);
});

test('quilt admits tasks of several requests under a budget that holds one whole model only', async () => {
  const budget = 140 * KiB;
  const { result } = await runPolicy('quilt', budget, 8, 4);
  assert.ok(result.rows.every((r) => r.status === 'ok'));
  for (const s of result.timeline) assert.ok(s.totalBytes <= budget);
  const overlapping = result.rows.some((r, i) =>
    result.rows.some((q, j) => i !== j && q.startMs < r.endMs && r.startMs < q.endMs));
  assert.ok(overlapping, 'requests interleave their tasks');
});

test('weights evicted by the ledger are unloaded, reloaded on the next miss, and all unloaded at the end', async () => {
  const policy = createPolicy('quilt');
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms), hasDeviceMemory: true });
  const deployments = new Map<string, Deployment>();
  const resident = new Set<string>();
  let loads = 0;
  let unloads = 0;
  for (const m of MODELS) {
    const d = await fakeDeployment(backend, m, 'quilt', 80 * KiB);
    deployments.set(m.name, {
      ...d,
      tasks: d.tasks.map((t) => ({
        ...t,
        loadWeights: async () => { assert.ok(!resident.has(t.weightsKey)); resident.add(t.weightsKey); loads++; },
        unloadWeights: async () => { assert.ok(resident.delete(t.weightsKey)); unloads++; },
      })),
    });
  }
  const result = await runSchedule({
    requests: requestsFor(MODELS, 10, 7), deployments, backend, clock, policy, budgetBytes: 140 * KiB, concurrency: 2,
  });
  assert.ok(result.rows.every((r) => r.status === 'ok'));
  assert.ok(loads > MODELS.length, `weights were reloaded after eviction (${loads} loads)`);
  assert.equal(unloads, loads);
  assert.equal(resident.size, 0);
});
