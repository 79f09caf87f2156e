/**
 * fifo-backfill's working-set rule: a request starts beside others only when the weights of every model in
 * flight (each once) and their pools fit the budget. Hand-built case: model x = two tasks of 30 KiB weights
 * (60 KiB), model y = one task of 30 KiB; 10 KiB activations each; x's pool 4 KiB; two workers.
 *   r0 (x) arrives at 0 and runs 0..10; r1 arrives at 1.
 *   - r1 of y, 90 KiB: its task fits at 1 (r0 holds 30 + 10 + 4, y needs 40: 84 <= 90), but the working set
 *     is 60 + 30 + 4 = 94 > 90, so r1 waits for r0's end (10);
 *   - r1 of y, 100 KiB: 94 fits, r1 starts at once (1): the rule is about the working set, not a blanket wait;
 *   - r1 of x, 90 KiB: x counts once (60 + 8 = 68), r1 starts at 1.
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

/** The start of r1 and the end of r0. */
async function starts(policyName: string, second: FakeModel, budgetBytes: number): Promise<[number, number]> {
  const policy = createPolicy(policyName);
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms), hasDeviceMemory: true });
  const deployments = new Map<string, Deployment>();
  for (const m of [X, Y]) deployments.set(m.name, await fakeDeployment(backend, m, policy.granularity, 40 * KiB));
  const requests = [X, second].map((m, id) => ({ id, model: m.name, arrivalMs: id, makeInputs: () => fakeInputs(m) }));
  const { rows } = await runSchedule({ requests, deployments, backend, clock, policy, budgetBytes, concurrency: 2 });
  assert.deepEqual(rows.map((r) => r.status), ['ok', 'ok']);
  return [rows[1].startMs, rows[0].endMs];
}

test('quilt: a request whose model\'s weights do not fit beside those in flight waits for them', async () => {
  assert.deepEqual(await starts('quilt', Y, 90 * KiB), [10, 10]);
});

test('quilt: with room for both models\' weights it starts at once', async () => {
  assert.equal((await starts('quilt', Y, 100 * KiB))[0], 1);
});

test('quilt: a second request of the same model counts its weights once and starts at once', async () => {
  assert.equal((await starts('quilt', X, 90 * KiB))[0], 1);
});

test('model-level: its whole-model reservation already waits in the same case', async () => {
  assert.deepEqual(await starts('model-level', Y, 90 * KiB), [10, 10]);
});
