/**
 * The scheduler tells the ledger which cached weights live requests still need. Hand-built case (every task
 * one 30 KiB layer, 80 KiB budget: room for two cached weights beside a running task):
 *   r0 runs x's tasks x0, x1 (both loaded) and ends; r1 runs y (evicts the least recently used, x0);
 *   r2 of x loads x0 again and must evict x1 or y. Plain LRU takes x1 (older), the very task r2 needs next,
 *   and r2 loads it again; the wanted order takes y (no live request needs it), so r2 loads x0 only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeBackend } from '../runtime/fake-backend.test-helper';
import { VirtualClock } from '../core/clock';
import { Deployment } from './deployment';
import { FakeModel, fakeDeployment, fakeInputs } from './fake-deployments.test-helper';
import { createPolicy } from './policies';
import { runSchedule } from './scheduler';

const KiB = 1024;
const layer = { weightBytes: 30 * KiB, activationBytes: 10 * KiB, outputBytes: 4 * KiB, costMs: 5 };
const X: FakeModel = { name: 'x', inputBytes: 4 * KiB, layers: [layer, layer] };
const Y: FakeModel = { name: 'y', inputBytes: 4 * KiB, layers: [layer] };

async function run(policyName: string, budgetBytes: number) {
  const policy = createPolicy(policyName);
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms), hasDeviceMemory: true });
  const deployments = new Map<string, Deployment>();
  for (const m of [X, Y]) deployments.set(m.name, await fakeDeployment(backend, m, policy.granularity, 40 * KiB));
  const requests = [X, Y, X].map((m, id) => ({ id, model: m.name, arrivalMs: 20 * id, makeInputs: () => fakeInputs(m) }));
  const result = await runSchedule({ requests, deployments, backend, clock, policy, budgetBytes, concurrency: 1 });
  assert.equal(deployments.get('x')?.tasks.length, 2);
  return result;
}

for (const name of ['quilt', 'layer-level']) {
  test(`${name}: a request in flight keeps its next task's weights when others are idle`, async () => {
    const { rows, timeline } = await run(name, 80 * KiB);
    assert.deepEqual(rows.map((r) => r.status), ['ok', 'ok', 'ok']);
    // Not vacuous: the cache really was full (never three weights resident) ...
    assert.ok(Math.max(...timeline.map((s) => s.weightBytes)) <= 2 * layer.weightBytes);
    // ... and r1 did evict x0, so r2 uploaded x0 again; it uploads x1 only under plain LRU.
    const [r0, , r2] = rows;
    assert.equal(r0.transferBytes - r2.transferBytes, layer.weightBytes);
  });
}

test('with room for every weight nothing is evicted: r2 uploads nothing (the check above is about eviction)', async () => {
  const { rows } = await run('quilt', 200 * KiB);
  const [r0, , r2] = rows;
  assert.equal(r0.transferBytes - r2.transferBytes, 2 * layer.weightBytes);
});
