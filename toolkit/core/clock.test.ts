import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealClock, VirtualClock } from './clock';

test('the virtual clock fires timers in time order, then creation order, and jumps to each', async () => {
  const clock = new VirtualClock();
  const fired: string[] = [];
  clock.at(30, () => fired.push(`c@${clock.now()}`));
  clock.at(10, () => fired.push(`a@${clock.now()}`));
  clock.at(10, () => fired.push(`b@${clock.now()}`));
  await clock.sleep(50);
  assert.deepEqual(fired, ['a@10', 'b@10', 'c@30']);
  assert.equal(clock.now(), 50);
  assert.equal(clock.pendingTimers, 0);
});

test('the virtual clock lets a firing\'s promise chain settle before the next timer', async () => {
  const clock = new VirtualClock();
  const log: string[] = [];
  const worker = async (name: string, ms: number): Promise<void> => {
    await clock.sleep(ms);
    log.push(`${name} done@${clock.now()}`);
    await Promise.resolve();
    clock.at(clock.now(), () => log.push(`${name} follow-up@${clock.now()}`));
  };
  await Promise.all([worker('x', 5), worker('y', 5)]);
  await clock.sleep(1);
  assert.deepEqual(log, ['x done@5', 'y done@5', 'x follow-up@5', 'y follow-up@5']);
});

test('a timer set in the past fires at the current time', async () => {
  const clock = new VirtualClock();
  await clock.sleep(20);
  let at = -1;
  clock.at(5, () => { at = clock.now(); });
  await clock.sleep(0);
  assert.equal(at, 20);
});

test('the real clock moves forward and sleeps', async () => {
  const clock = new RealClock();
  const t0 = clock.now();
  await clock.sleep(5);
  assert.ok(clock.now() >= t0 + 4);
});
