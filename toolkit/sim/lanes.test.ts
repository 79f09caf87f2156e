/** Worker lanes in simulation (lanes.ts) on hand-built cases with known answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../core/clock';
import { SimLanes } from './lanes';

test('lanes: a free lane holding a kept input is preferred; else the free lane holding the fewest kept tensors', async () => {
  const lanes = new SimLanes(3);
  lanes.keep(0);
  lanes.keep(0);
  lanes.keep(1);
  assert.equal(await lanes.acquire([1]), 1);
  assert.equal(await lanes.acquire([]), 2, 'lane 2 holds nothing');
  assert.equal(await lanes.acquire([1]), 0, 'lane 1 is busy: the only free lane');
  let fourth = -1;
  const waiting = lanes.acquire([]).then((l) => { fourth = l; });
  await Promise.resolve();
  assert.equal(fourth, -1, 'every lane busy: it waits');
  lanes.release(2);
  await waiting;
  assert.equal(fourth, 2);
});

test('lanes: a kept input in a busy lane moves after that lane\'s run ends; from an idle lane at once', async () => {
  const clock = new VirtualClock();
  const lanes = new SimLanes(2);
  const t = lanes.keep(0);
  const lane0 = await lanes.acquire([0]);
  assert.equal(lane0, 0);
  lanes.track(0, clock.sleep(10));
  const lane1 = await lanes.acquire([t.lane]);
  assert.equal(lane1, 1, 'the lane holding the input is busy');
  await lanes.moveInto(lane1, t);
  assert.equal(clock.now(), 10, 'waited for lane 0\'s run');
  assert.equal(t.lane, 1);
  assert.deepEqual(lanes.kept, [0, 1]);
  // Negative: lane 1's worker is idle now (no run tracked since), so a move back is immediate.
  await lanes.moveInto(0, t);
  assert.equal(clock.now(), 10);
  assert.deepEqual(lanes.kept, [1, 0]);
  t.release();
  t.release();
  assert.deepEqual(lanes.kept, [0, 0], 'released once');
});
