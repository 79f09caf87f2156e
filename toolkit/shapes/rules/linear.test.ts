import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../graph/builder';
import { QuiltError } from '../../core/errors';
import { floatTensor, shapeOf, staticShapes } from '../testing';

test('Gemm honours transA and transB', () => {
  const b = new GraphBuilder('gemm');
  const x = b.input('x', 'float32', [4, 10]);
  b.output(b.op('Gemm', [x, b.initializer('w', floatTensor([6, 10])), b.initializer('c', floatTensor([6]))], { transB: 1 }, 'fc'));
  b.output(b.op('Gemm', [x, b.initializer('w2', floatTensor([4, 3]))], { transA: 1 }, 'ta'));
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'fc_out'), [4, 6]);
  assert.deepEqual(shapeOf(g, 'ta_out'), [10, 3]);
});

test('MatMul broadcasts batch dims and promotes 1-D operands', () => {
  const b = new GraphBuilder('matmul');
  const a = b.input('a', 'float32', [2, 1, 5, 7]);
  const c = b.input('c', 'float32', [3, 7, 4]);
  b.output(b.op('MatMul', [a, c], {}, 'batched'));
  b.output(b.op('MatMul', [a, b.input('v', 'float32', [7])], {}, 'mv'));
  b.output(b.op('MatMul', [b.input('u', 'float32', [5]), b.input('m', 'float32', [5, 9])], {}, 'vm'));
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'batched_out'), [2, 3, 5, 4]);
  assert.deepEqual(shapeOf(g, 'mv_out'), [2, 1, 5]);
  assert.deepEqual(shapeOf(g, 'vm_out'), [9]);
});

test('MatMul with different inner dims is a QuiltError', () => {
  const b = new GraphBuilder('bad');
  b.output(b.op('MatMul', [b.input('a', 'float32', [2, 3]), b.input('b', 'float32', [4, 5])], {}, 'mm'));
  assert.throws(() => staticShapes(b.finish()), QuiltError);
});

test('Einsum: explicit, implicit and ellipsis equations', () => {
  const b = new GraphBuilder('einsum');
  const q = b.input('q', 'float32', [2, 8, 16, 64]);
  const k = b.input('k', 'float32', [2, 8, 16, 64]);
  b.output(b.op('Einsum', [q, k], { equation: 'bhqd,bhkd->bhqk' }, 'scores'));
  b.output(b.op('Einsum', [b.input('x', 'float32', [3, 4]), b.input('y', 'float32', [4, 5])], { equation: 'ij,jk' }, 'implicit'));
  b.output(b.op('Einsum', [q, b.input('w', 'float32', [64, 32])], { equation: '...d,de->...e' }, 'ellipsis'));
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'scores_out'), [2, 8, 16, 16]);
  assert.deepEqual(shapeOf(g, 'implicit_out'), [3, 5]);
  assert.deepEqual(shapeOf(g, 'ellipsis_out'), [2, 8, 16, 32]);
});
