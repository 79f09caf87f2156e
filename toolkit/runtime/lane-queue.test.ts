import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaneQueue } from './lane-queue';

test('lane queue: free lanes by chooseLane, then waiters first come first served, each handed the lane that frees', async () => {
  const queue = new LaneQueue(2);
  const residents = [0, 0];
  assert.equal(await queue.acquire(residents, []), 0);
  assert.equal(await queue.acquire(residents, []), 1);
  const order: string[] = [];
  const first = queue.acquire(residents, [0]).then((lane) => { order.push(`first:${lane}`); return lane; });
  const second = queue.acquire(residents, []).then((lane) => { order.push(`second:${lane}`); return lane; });
  queue.release(1);
  assert.equal(await first, 1, 'the first waiter gets the lane that freed, even though it preferred lane 0');
  queue.release(0);
  assert.equal(await second, 0);
  assert.deepEqual(order, ['first:1', 'second:0']);
  // Nobody waits: the released lanes turn free and are taken again.
  queue.release(0);
  queue.release(1);
  assert.equal(await queue.acquire([1, 0], []), 1, 'the free lane with fewer residents');
});

test('lane queue: a lane added later is free', async () => {
  const queue = new LaneQueue();
  let got: number | undefined;
  void queue.acquire([], []).then((lane) => { got = lane; });
  await Promise.resolve();
  assert.equal(got, undefined, 'no lane yet: the run waits');
  queue.add();
  assert.equal(await queue.acquire([0], []), 0);
});
