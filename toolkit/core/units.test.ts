import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, parseBytes } from './units';

test('parseBytes reads plain counts and binary and decimal units', () => {
  assert.equal(parseBytes('1048576'), 1048576);
  assert.equal(parseBytes('64MiB'), 64 * 2 ** 20);
  assert.equal(parseBytes('1.5GiB'), 1.5 * 2 ** 30);
  assert.equal(parseBytes('2GB'), 2e9);
  assert.equal(parseBytes('10kib'), 10240);
});

test('parseBytes rejects nonsense with a message naming the flag', () => {
  assert.throws(() => parseBytes('lots', '--budget'), /--budget: 'lots' is not a byte count/);
  assert.throws(() => parseBytes('-5MiB', '--budget'), /not a byte count/);
  assert.throws(() => parseBytes('5 parsecs'), /not a byte count/);
});

test('formatBytes picks a readable unit', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(64 * 2 ** 20), '64.0 MiB');
});
