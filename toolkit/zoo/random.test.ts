import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillNormalish, fillUniform, streamSeed, uniformIntegers } from './random';

test('streamSeed depends on the seed and the name', () => {
  assert.equal(streamSeed(1, 'conv1.weight'), streamSeed(1, 'conv1.weight'));
  assert.notEqual(streamSeed(1, 'conv1.weight'), streamSeed(2, 'conv1.weight'));
  assert.notEqual(streamSeed(1, 'conv1.weight'), streamSeed(1, 'conv1.bias'));
});

test('fillUniform stays in [-bound, bound), has mean 0 and variance bound^2 / 3', () => {
  const values = new Float32Array(100_000);
  fillUniform(values, 0.5, 42);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let squares = 0;
  for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); sum += v; squares += v * v; }
  assert.ok(min >= -0.5 && max <= 0.5);
  assert.ok(min < -0.49 && max > 0.49);
  assert.ok(Math.abs(sum / values.length) < 0.01);
  assert.ok(Math.abs(squares / values.length - 0.25 / 3) < 0.002);
  const again = new Float32Array(100_000);
  fillUniform(again, 0.5, 42);
  assert.deepEqual(again, values);
});

test('fillNormalish has the requested mean and standard deviation', () => {
  const values = new Float32Array(100_000);
  fillNormalish(values, 2, 3, 9);
  let sum = 0;
  let squares = 0;
  for (const v of values) { sum += v; squares += v * v; }
  const mean = sum / values.length;
  assert.ok(Math.abs(mean - 2) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(squares / values.length - mean * mean) - 3) < 0.05);
});

test('uniformIntegers covers [0, limit) and nothing else', () => {
  const ints = uniformIntegers(10_000, 7, 5);
  assert.ok(ints.every((i) => Number.isInteger(i) && i >= 0 && i < 7));
  assert.equal(new Set(ints).size, 7);
});
