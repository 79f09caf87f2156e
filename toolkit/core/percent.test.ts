import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from './errors';
import { isPercentText, parsePercent, shareOf } from './percent';

test('percentages: digits with an optional fraction', () => {
  assert.equal(parsePercent('50%', 'x'), 50);
  assert.equal(parsePercent(' 12.5 % ', 'x'), 12.5);
  assert.equal(parsePercent('.5%', 'x'), 0.5);
  assert.equal(shareOf(1000, 12.5), 125);
  assert.equal(shareOf(10, 33), 3);
});

test('malformed percentages are QuiltErrors naming the field', () => {
  for (const bad of ['1e2%', '-5%', '+5%', '%', 'fifty%', '0%', '0.0%', '5 %%', 'Infinity%', '0x10%']) {
    assert.throws(() => parsePercent(bad, '--thing'), (e: unknown) => e instanceof QuiltError && e.message.startsWith('--thing:'), bad);
  }
});

test('isPercentText is true only for text ending in %', () => {
  assert.equal(isPercentText('5%'), true);
  assert.equal(isPercentText('5'), false);
  assert.equal(isPercentText(5), false);
});
