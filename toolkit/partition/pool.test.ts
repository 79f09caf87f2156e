import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../memory/test-support';
import { CutTensor, PoolSlot } from './plan';
import { planPool, poolLowerBound, slotsConflict } from './pool';

const cut = (value: number, bytes: number, producerTask: number, lastConsumerTask: number): CutTensor =>
  ({ value, bytes, producerTask, lastConsumerTask });

function assertNoOverlap(slots: readonly PoolSlot[]): void {
  for (const a of slots) {
    for (const b of slots) {
      if (a === b || !slotsConflict(a, b)) continue;
      assert.ok(a.offset + a.size <= b.offset || b.offset + b.size <= a.offset, `slots of ${a.value} and ${b.value} overlap`);
    }
  }
}

test('a dead tensor\'s slot is reused; a tensor freed by a task and one written by it do not share', () => {
  const plan = planPool([cut(1, 100, 0, 1), cut(2, 50, 1, 2), cut(3, 100, 2, 3)]);
  assert.equal(plan.noReuseBytes, 250);
  assert.equal(plan.poolBytes, 150);
  const slot = (v: number) => plan.slots.find((s) => s.value === v)!;
  assert.equal(slot(1).offset, slot(3).offset);
  assert.deepEqual([slot(2).fromTask, slot(2).toTask], [1, 2]);
  assertNoOverlap(plan.slots);
});

test('tensors alive together need the sum of their sizes; no cuts need no pool', () => {
  const plan = planPool([cut(1, 10, 0, 3), cut(2, 20, 1, 2), cut(3, 30, 2, 3)]);
  assert.equal(plan.poolBytes, 60);
  assert.deepEqual(planPool([]), { slots: [], poolBytes: 0, noReuseBytes: 0 });
});

test('alignment rounds sizes and offsets', () => {
  const plan = planPool([cut(1, 10, 0, 1), cut(2, 1, 0, 1)], { alignment: 256 });
  assert.equal(plan.poolBytes, 512);
  assert.ok(plan.slots.every((s) => s.offset % 256 === 0 && s.size % 256 === 0));
});

test('random cut sets: slots never overlap, and the pool lies between the live lower bound and no reuse', () => {
  const rand = seededRandom(42);
  for (let round = 0; round < 200; round++) {
    const cuts: CutTensor[] = [];
    const count = 1 + Math.floor(rand() * 12);
    for (let v = 0; v < count; v++) {
      const from = Math.floor(rand() * 8);
      cuts.push(cut(v, 1 + Math.floor(rand() * 100), from, from + 1 + Math.floor(rand() * 4)));
    }
    const plan = planPool(cuts);
    assertNoOverlap(plan.slots);
    assert.equal(plan.slots.length, count);
    assert.ok(plan.poolBytes <= plan.noReuseBytes);
    assert.ok(plan.poolBytes >= poolLowerBound(plan.slots));
  }
});
