/**
 * Property tests over random seeded workloads and budgets (fake backend, virtual clock):
 * managed policies never exceed the budget at any timeline sample and complete every request; every policy
 * ends every request exactly once; the same seed gives the same rows and timeline. Each holds with weights
 * uploaded over a copy engine (FakeLink) and prefetch on as well as with sessions that stay loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeBackend } from '../runtime/fake-backend.test-helper';
import { createRng, Rng } from '../core/prng';
import { VirtualClock } from '../core/clock';
import { Deployment, maxTaskDemand } from './deployment';
import { FakeLink, FakeModel, fakeDeployment, fakeInputs, randomFakeModel } from './fake-deployments.test-helper';
import { createPolicy, POLICY_NAMES } from './policies';
import { ScheduleResult, ScheduledRequest, runSchedule } from './scheduler';

const SEEDS = Array.from({ length: 25 }, (_, i) => 1000 + i);

interface Scenario {
  budgetBytes: number;
  concurrency: number;
  result: ScheduleResult;
  /** Weight uploads over the link (0 when sessions stay loaded). */
  uploads: number;
}

/** Instance peak as triton-style loads it: all weights + largest activation peak + pool. */
function instanceBytes(d: Deployment): number {
  let weights = 0;
  let activations = 0;
  for (const t of d.tasks) {
    weights += t.weightBytes;
    activations = Math.max(activations, t.demandBytes - t.weightBytes);
  }
  return weights + activations + d.poolBytes;
}

/** How weights reach the device: sessions stay loaded (cpu-like), or uploads over a link with prefetch on. */
type Uploads = 'loaded' | 'prefetch';

async function scenario(policyName: string, seed: number, uploads: Uploads = 'loaded'): Promise<Scenario> {
  const rng: Rng = createRng(seed);
  const models: FakeModel[] = [];
  const modelCount = rng.int(1, 4);
  for (let i = 0; i < modelCount; i++) models.push(randomFakeModel(rng, `m${i}`));
  const policy = createPolicy(policyName);
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms), hasDeviceMemory: uploads === 'prefetch' });
  const threshold = 1024 * rng.int(40, 200);
  const link = uploads === 'prefetch' ? new FakeLink(clock, rng.next() * 0.5) : undefined;
  const deployments = new Map<string, Deployment>();
  for (const m of models) deployments.set(m.name, await fakeDeployment(backend, m, policy.granularity, threshold, { link }));
  let minimum = 0;
  let all = 0;
  for (const d of deployments.values()) {
    minimum = Math.max(minimum, maxTaskDemand(d) + (d.tasks.length > 1 && policy.defaultPool ? d.poolBytes : 0));
    all += instanceBytes(d);
  }
  const floor = policyName === 'triton-style' ? all : minimum;
  const budgetBytes = Math.floor(floor * (1 + rng.next() * 1.5));
  const requests: ScheduledRequest[] = [];
  let t = 0;
  const count = rng.int(5, 25);
  for (let id = 0; id < count; id++) {
    t += Math.floor(-Math.log(1 - rng.next()) * 10);
    const m = models[rng.int(0, models.length - 1)];
    requests.push({ id, model: m.name, arrivalMs: t, makeInputs: () => fakeInputs(m) });
  }
  const concurrency = rng.int(1, 4);
  if (rng.next() < 0.3) backend.failOn(models[0].name, 0, rng.int(1, 3));
  const result = await runSchedule({ requests, deployments, backend, clock, policy, budgetBytes, concurrency, prefetch: uploads === 'prefetch' });
  return { budgetBytes, concurrency, result, uploads: link?.uploads.length ?? 0 };
}

for (const [policyName, uploads] of POLICY_NAMES.flatMap((p) => (['loaded', 'prefetch'] as const).map((u) => [p, u] as const))) {
  const managed = policyName !== 'unmanaged';
  const label = uploads === 'prefetch' ? ' (uploads, prefetch on)' : '';
  test(`${policyName}${label}: every request ends once${managed ? ', within the budget' : ''}, over random workloads`, async () => {
    let uploaded = 0;
    for (const seed of SEEDS) {
      const { budgetBytes, result, uploads: n } = await scenario(policyName, seed, uploads);
      uploaded += n;
      const ids = result.rows.map((r) => r.requestId);
      assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => a - b), `seed ${seed}: one row per request`);
      for (const row of result.rows) {
        assert.ok(['ok', 'oom', 'error'].includes(row.status));
        if (row.status === 'error') assert.match(row.error, /injected fault/, `seed ${seed}`);
        if (managed) assert.notEqual(row.status, 'oom', `seed ${seed}: a managed policy never runs out of memory`);
      }
      if (managed) {
        for (const s of result.timeline) {
          assert.ok(s.totalBytes <= budgetBytes, `seed ${seed}: ${s.totalBytes} > ${budgetBytes} at ${s.timeMs} ms`);
        }
      }
      const last = result.timeline[result.timeline.length - 1];
      assert.equal(last.totalBytes, 0, `seed ${seed}: the ledger ends empty`);
    }
    // triton-style holds every model from its start: its tasks never miss, so nothing goes over the link.
    if (uploads === 'prefetch' && policyName !== 'triton-style') assert.ok(uploaded > 0, 'weights were uploaded over the link');
  });

  test(`${policyName}${label}: the same seed gives the same schedule`, async () => {
    for (const seed of SEEDS.slice(0, 8)) {
      const first = await scenario(policyName, seed, uploads);
      const second = await scenario(policyName, seed, uploads);
      assert.deepEqual(second.result.rows, first.result.rows, `seed ${seed}`);
      assert.deepEqual(second.result.timeline, first.result.timeline, `seed ${seed}`);
    }
  });
}

test('different seeds give different schedules', async () => {
  const a = await scenario('quilt', 1);
  const b = await scenario('quilt', 2);
  assert.notDeepEqual(a.result.rows, b.result.rows);
});
