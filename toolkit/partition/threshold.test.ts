import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { parseThreshold } from './threshold';

test('thresholds in bytes, with units, and as a percentage of the peak', () => {
  assert.equal(parseThreshold(4096, 1), 4096);
  assert.equal(parseThreshold('4096', 1), 4096);
  assert.equal(parseThreshold('64MiB', 1), 64 * 2 ** 20);
  assert.equal(parseThreshold('1.5GiB', 1), 1.5 * 2 ** 30);
  assert.equal(parseThreshold('50%', 1000), 500);
  assert.equal(parseThreshold(' 12.5 % ', 1000), 125);
  assert.equal(parseThreshold('100%', 12345), 12345);
  assert.equal(parseThreshold('33%', 10), 3);
});

test('bad thresholds are QuiltErrors that quote the input', () => {
  for (const bad of ['abc', '%', '-5%', 'fifty%', '10 parsecs', '0', '0%', -1]) {
    assert.throws(() => parseThreshold(bad, 1000), (e: unknown) => e instanceof QuiltError && e.message.includes('threshold'), String(bad));
  }
  assert.throws(() => parseThreshold('1%', 10), /must be positive/);
});

test("a percentage is a share of the model's demand, a '%peak' one of the liveness peak", () => {
  assert.equal(parseThreshold('50%', 1000, 'threshold', 600), 500);
  assert.equal(parseThreshold('50%peak', 1000, 'threshold', 600), 300);
  assert.equal(parseThreshold(' 50 % peak ', 1000, 'threshold', 600), 300);
  assert.throws(() => parseThreshold('x%peak', 1000, 'threshold', 600), (e: unknown) => e instanceof QuiltError);
});
