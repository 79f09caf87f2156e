import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeBackend } from '../runtime/fake-backend.test-helper';
import { RealClock, VirtualClock, Clock } from '../core/clock';
import { Deployment } from './deployment';
import { FakeModel, fakeDeployment, fakeInputs } from './fake-deployments.test-helper';
import { Policy } from './policy';
import { quiltPolicy } from './policies';
import { ScheduleResult, ScheduledRequest, runSchedule } from './scheduler';

const big: FakeModel = {
  name: 'big', inputBytes: 4,
  layers: [{ weightBytes: 40, activationBytes: 60, outputBytes: 4, costMs: 10 }],
};
const small: FakeModel = {
  name: 'small', inputBytes: 4,
  layers: [{ weightBytes: 10, activationBytes: 20, outputBytes: 4, costMs: 10 }],
};

async function run(policy: Policy, clock: Clock, sleep: (ms: number) => Promise<void>): Promise<ScheduleResult> {
  const backend = new FakeBackend({ sleep });
  const deployments = new Map<string, Deployment>();
  for (const m of [big, small]) deployments.set(m.name, await fakeDeployment(backend, m, 'quilt'));
  // small at 0, big at 1, then a small every 3 ms: some small is always running, so big never fits by itself.
  const requests: ScheduledRequest[] = [{ id: 0, model: 'small', arrivalMs: 0, makeInputs: () => fakeInputs(small) },
    { id: 1, model: 'big', arrivalMs: 1, makeInputs: () => fakeInputs(big) }];
  for (let i = 2; i < 30; i++) requests.push({ id: i, model: 'small', arrivalMs: 3 * i, makeInputs: () => fakeInputs(small) });
  return runSchedule({ requests, deployments, backend, clock, policy, budgetBytes: 100, concurrency: 4 });
}

test('backfill lets small tasks pass a blocked big one, and maxBypass bounds how often', async () => {
  const clockA = new VirtualClock();
  const bounded = await run(quiltPolicy({ maxBypass: 2 }), clockA, (ms) => clockA.sleep(ms));
  const clockB = new VirtualClock();
  const unbounded = await run(quiltPolicy({ maxBypass: 1000 }), clockB, (ms) => clockB.sleep(ms));
  const startOfBig = (r: ScheduleResult): number => r.rows[1].startMs;
  const passedBig = (r: ScheduleResult): number =>
    r.rows.filter((x) => x.model === 'small' && x.arrivalMs > 1 && x.startMs < startOfBig(r)).length;
  assert.ok(passedBig(bounded) <= 2, `bounded: ${passedBig(bounded)} small requests started before big`);
  assert.ok(passedBig(unbounded) > 2, `unbounded: ${passedBig(unbounded)} small requests started before big`);
  for (const r of [bounded, unbounded]) assert.ok(r.rows.every((x) => x.status === 'ok'));
});

test('the scheduler runs on the real clock too', async () => {
  const clock = new RealClock();
  const result = await run(quiltPolicy(), clock, (ms) => clock.sleep(ms / 10));
  assert.equal(result.summary.completed, 30);
  for (const s of result.timeline) assert.ok(s.totalBytes <= 100);
  for (const row of result.rows) assert.ok(row.endMs >= row.startMs && row.startMs >= row.arrivalMs);
});
