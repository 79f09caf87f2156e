import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHalfBits, toHalfBits } from './half';

test('float16 bits: known encodings, round to nearest even, subnormals, overflow', () => {
  assert.equal(toHalfBits(1), 0x3c00);
  assert.equal(toHalfBits(-2), 0xc000);
  assert.equal(toHalfBits(65504), 0x7bff);
  assert.equal(toHalfBits(1e6), 0x7c00);
  assert.equal(toHalfBits(2 ** -24), 0x0001);
  assert.equal(toHalfBits(1 + 2 ** -11), 0x3c00, 'a tie rounds to the even mantissa');
  assert.equal(toHalfBits(1 + 3 * 2 ** -11), 0x3c02);
  for (const x of [0, 1, -0.5, 0.333251953125, 2 ** -24, 1234]) assert.equal(fromHalfBits(toHalfBits(x)), x);
  assert.ok(Math.abs(fromHalfBits(toHalfBits(0.1)) - 0.1) <= 0.1 * 2 ** -11);
});
