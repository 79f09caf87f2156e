import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../graph/builder';
import { QuiltError } from '../../core/errors';
import { constantOf, dtypeOf, int64Tensor, shapeOf, staticShapes } from '../testing';

test('binary ops broadcast numpy-style and comparisons yield bool', () => {
  const b = new GraphBuilder('bcast');
  const x = b.input('x', 'float32', [2, 1, 4]);
  const y = b.input('y', 'float32', [3, 1]);
  const s = b.op('Add', [x, y], {}, 'add');
  const m = b.op('Mul', [s, b.input('z', 'float32', [])], {}, 'mul');
  const e = b.op('Equal', [m, y], {}, 'eq');
  const w = b.op('Where', [e, b.input('c', 'float32', [4]), m], {}, 'where');
  b.output(w);
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'add_out'), [2, 3, 4]);
  assert.deepEqual(shapeOf(g, 'mul_out'), [2, 3, 4]);
  assert.equal(dtypeOf(g, 'eq_out'), 'bool');
  assert.deepEqual(shapeOf(g, 'where_out'), [2, 3, 4]);
  assert.equal(dtypeOf(g, 'where_out'), 'float32');
  assert.equal(g.values[g.valueByName.get('where_out') as number].bytes, 2 * 3 * 4 * 4);
});

test('unary ops keep shape; Cast changes the dtype; Dropout has a bool mask', () => {
  const b = new GraphBuilder('unary');
  let v = b.input('x', 'float32', [2, 5]);
  for (const op of ['Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'Tanh', 'Erf', 'Sqrt', 'Exp', 'Log', 'Neg', 'Reciprocal', 'Softmax', 'LogSoftmax']) {
    v = b.op(op, [v], {}, op.toLowerCase());
  }
  const [d, mask] = b.node('Dropout', [v], {}, { name: 'drop', outputs: 2 });
  const c = b.op('Cast', [d], { to: 7 }, 'cast');
  b.output(c);
  b.output(mask);
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'logsoftmax_out'), [2, 5]);
  assert.equal(dtypeOf(g, 'drop_out1'), 'bool');
  assert.deepEqual(shapeOf(g, 'drop_out1'), [2, 5]);
  assert.equal(dtypeOf(g, 'cast_out'), 'int64');
});

test('integer arithmetic on constants is folded (truncating division)', () => {
  const b = new GraphBuilder('fold');
  const a = b.initializer('a', int64Tensor([7, -7, 12]));
  const q = b.op('Div', [a, b.initializer('two', int64Tensor([2], []))], {}, 'div');
  const r = b.op('Sub', [b.op('Mul', [q, q], {}, 'sq'), a], {}, 'sub');
  b.output(r);
  const g = b.finish();
  assert.deepEqual(constantOf(g, 'div_out'), [3, -3, 6]);
  assert.deepEqual(constantOf(g, 'sub_out'), [2, 16, 24]);
});

test('shapes that do not broadcast are a QuiltError naming the node', () => {
  const b = new GraphBuilder('bad');
  b.output(b.op('Add', [b.input('x', 'float32', [2, 3]), b.input('y', 'float32', [4])], {}, 'bad_add'));
  assert.throws(() => staticShapes(b.finish()), (e: unknown) => e instanceof QuiltError && /bad_add.*\[2,3\] and \[4\]/.test(e.message));
});
