import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLane } from './lane-choice';

test('lane choice: a free lane holding a kept input comes first, even with more residents', () => {
  assert.equal(chooseLane([false, false, false], [0, 5, 1], [1]), 1);
  assert.equal(chooseLane([false, true, false], [0, 5, 1], [1, 2]), 2, 'the first free preferred lane');
});

test('lane choice: otherwise the free lane with the fewest residents, lowest index on a tie; none when all are busy', () => {
  assert.equal(chooseLane([false, false, false], [3, 1, 1], []), 1);
  assert.equal(chooseLane([false, true, false], [3, 0, 2], [1]), 2, 'a busy preferred lane is passed over');
  assert.equal(chooseLane([true, true], [0, 0], [0]), undefined);
  assert.equal(chooseLane([], [], []), undefined);
});
