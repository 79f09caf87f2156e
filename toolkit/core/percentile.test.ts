import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from './percentile';

test('percentile uses the nearest rank, whatever the order of the values', () => {
  const xs = [10, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  assert.equal(percentile(xs, 50), 5);
  assert.equal(percentile(xs, 95), 10);
  assert.equal(percentile(xs, 90), 9);
  assert.equal(percentile(xs, 10), 1);
  // 20 values: rank ceil(0.95 x 20) = 19, not floor(0.95 x 20) + 1 = 20.
  const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
  assert.equal(percentile(twenty, 95), 19);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});
