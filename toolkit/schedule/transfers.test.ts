import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeBackend } from '../runtime/fake-backend.test-helper';
import { VirtualClock } from '../core/clock';
import { FakeModel, fakeDeployment, fakeInputs } from './fake-deployments.test-helper';
import { createPolicy } from './policies';
import { runSchedule } from './scheduler';
import { TransferMeter } from './transfers';

const KiB = 1024;
const CHAIN: FakeModel = {
  name: 'c', inputBytes: 2 * KiB,
  layers: [
    { weightBytes: 8 * KiB, activationBytes: 4 * KiB, outputBytes: 3 * KiB, costMs: 1 },
    { weightBytes: 8 * KiB, activationBytes: 4 * KiB, outputBytes: 1 * KiB, costMs: 1 },
  ],
};

async function transferBytes(keepCutsOnDevice: boolean, hasDeviceMemory = true): Promise<number> {
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms), hasDeviceMemory });
  const deployments = new Map([[CHAIN.name, await fakeDeployment(backend, CHAIN, 'layer', Infinity, { keepCutsOnDevice })]]);
  const requests = [{ id: 0, model: 'c', arrivalMs: 0, makeInputs: () => fakeInputs(CHAIN) }];
  // quilt's pool is on by default: the cut tensor "should" stay on the device.
  const policy = createPolicy('quilt');
  assert.equal(policy.defaultPool, true);
  const { rows } = await runSchedule({ requests, deployments, backend, clock, policy, budgetBytes: 1024 * KiB, concurrency: 1 });
  return rows[0].transferBytes;
}

test('transfers: a cut tensor handed back in host memory (cuda) moves down and up even with the pool on', async () => {
  // input 2 KiB up + weights 8 + 8 KiB up + result 1 KiB down = 19 KiB; the 3 KiB cut tensor: twice when it came back.
  assert.equal(await transferBytes(false), 19 * KiB + 2 * 3 * KiB);
  assert.equal(await transferBytes(true), 19 * KiB);
  assert.equal(await transferBytes(false, false), 0, 'no device memory: nothing moves');
});

test('transfers: the plan rule (cutBytes) follows the pool setting', () => {
  assert.equal(new TransferMeter(true, true).cutBytes(100), 0);
  assert.equal(new TransferMeter(true, false).cutBytes(100), 200);
});
