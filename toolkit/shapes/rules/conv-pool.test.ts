import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../graph/builder';
import { QuiltError } from '../../core/errors';
import { floatTensor, shapeOf, staticShapes } from '../testing';

test('Conv: pads and strides, dilations, groups, SAME_UPPER and VALID', () => {
  const b = new GraphBuilder('conv');
  const x = b.input('x', 'float32', [1, 3, 32, 32]);
  const padded = b.op('Conv', [x, b.initializer('w1', floatTensor([8, 3, 3, 3]))], { pads: [1, 1, 1, 1], strides: [2, 2] }, 'strided');
  const dilated = b.op('Conv', [x, b.initializer('w2', floatTensor([8, 3, 3, 3]))], { dilations: [2, 2] }, 'dilated');
  const grouped = b.op('Conv', [padded, b.initializer('w3', floatTensor([12, 2, 3, 3])), b.initializer('b3', floatTensor([12]))], { group: 4 }, 'grouped');
  const y = b.input('y', 'float32', [2, 4, 15, 9]);
  const same = b.op('Conv', [y, b.initializer('w4', floatTensor([6, 4, 3, 3]))], { auto_pad: 'SAME_UPPER', strides: [2, 2] }, 'same');
  const valid = b.op('Conv', [y, b.initializer('w5', floatTensor([6, 4, 3, 3]))], { auto_pad: 'VALID', strides: [2, 2] }, 'valid');
  const uneven = b.op('Conv', [y, b.initializer('w6', floatTensor([5, 4, 1, 3]))], { pads: [0, 2, 0, 0], strides: [1, 3] }, 'uneven');
  for (const o of [dilated, grouped, same, valid, uneven]) b.output(o);
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'strided_out'), [1, 8, 16, 16]);
  assert.deepEqual(shapeOf(g, 'dilated_out'), [1, 8, 28, 28]);
  assert.deepEqual(shapeOf(g, 'grouped_out'), [1, 12, 14, 14]);
  assert.deepEqual(shapeOf(g, 'same_out'), [2, 6, 8, 5]);
  assert.deepEqual(shapeOf(g, 'valid_out'), [2, 6, 7, 4]);
  assert.deepEqual(shapeOf(g, 'uneven_out'), [2, 5, 15, 3]);
});

test('Conv with channels that do not match the weight is a QuiltError', () => {
  const b = new GraphBuilder('bad');
  b.output(b.op('Conv', [b.input('x', 'float32', [1, 3, 8, 8]), b.initializer('w', floatTensor([4, 2, 3, 3]))], {}, 'c'));
  assert.throws(() => staticShapes(b.finish()), (e: unknown) => e instanceof QuiltError && /'c' \(Conv\).*3 channels/.test(e.message));
});

test('ConvTranspose: strides, pads, output_padding, group and output_shape', () => {
  const b = new GraphBuilder('deconv');
  const x = b.input('x', 'float32', [1, 4, 5, 5]);
  b.output(b.op('ConvTranspose', [x, b.initializer('w', floatTensor([4, 2, 3, 3]))], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, 'up'));
  b.output(b.op('ConvTranspose', [x, b.initializer('wg', floatTensor([4, 3, 2, 2]))], { strides: [2, 2], group: 2 }, 'grouped'));
  b.output(b.op('ConvTranspose', [x, b.initializer('ws', floatTensor([4, 1, 3, 3]))], { strides: [2, 2], output_shape: [11, 10] }, 'shaped'));
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'up_out'), [1, 2, 10, 10]);
  assert.deepEqual(shapeOf(g, 'grouped_out'), [1, 6, 10, 10]);
  assert.deepEqual(shapeOf(g, 'shaped_out'), [1, 1, 11, 10]);
});

test('pooling: MaxPool with pads, ceil_mode, global pools; BatchNormalization keeps the shape', () => {
  const b = new GraphBuilder('pool');
  const x = b.input('x', 'float32', [1, 64, 112, 112]);
  const [mp, idx] = b.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'mp', outputs: 2 });
  const y = b.input('y', 'float32', [1, 2, 6, 7]);
  const ceil = b.op('AveragePool', [y], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, 'ceil');
  const floor = b.op('AveragePool', [y], { kernel_shape: [3, 3], strides: [2, 2] }, 'floor');
  const ceilPadded = b.op('MaxPool', [y], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }, 'ceilpad');
  const gap = b.op('GlobalAveragePool', [mp], {}, 'gap');
  const gmp = b.op('GlobalMaxPool', [y], {}, 'gmp');
  const bn = b.op('BatchNormalization', [mp, ...['s', 'bias', 'mean', 'var'].map((n) => b.initializer(n, floatTensor([64])))], {}, 'bn');
  for (const o of [idx, ceil, floor, ceilPadded, gap, gmp, bn]) b.output(o);
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'mp_out'), [1, 64, 56, 56]);
  assert.deepEqual(shapeOf(g, 'mp_out1'), [1, 64, 56, 56]);
  assert.equal(g.values[g.valueByName.get('mp_out1') as number].dtype, 'int64');
  assert.deepEqual(shapeOf(g, 'ceil_out'), [1, 2, 3, 3]);
  assert.deepEqual(shapeOf(g, 'floor_out'), [1, 2, 2, 3]);
  assert.deepEqual(shapeOf(g, 'ceilpad_out'), [1, 2, 4, 4]);
  assert.deepEqual(shapeOf(g, 'gap_out'), [1, 64, 1, 1]);
  assert.deepEqual(shapeOf(g, 'gmp_out'), [1, 2, 1, 1]);
  assert.deepEqual(shapeOf(g, 'bn_out'), [1, 64, 56, 56]);
});
