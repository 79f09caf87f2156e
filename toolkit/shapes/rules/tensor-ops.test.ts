import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, floatAttr, floatsAttr, tensorAttr } from '../../graph/builder';
import { constantOf, dtypeOf, floatTensor, int64Tensor, scalarTensor, shapeOf, staticShapes } from '../testing';

test('Constant: value tensor and every value_* form', () => {
  const b = new GraphBuilder('constants');
  const outs = [
    b.node('Constant', [], { value: tensorAttr(int64Tensor([1, 2, 3, 4], [2, 2])) }, { name: 't', outputs: ['t'] })[0],
    b.node('Constant', [], { value_float: floatAttr(0.5) }, { name: 'f', outputs: ['f'] })[0],
    b.node('Constant', [], { value_floats: floatsAttr([1, 2, 3]) }, { name: 'fs', outputs: ['fs'] })[0],
    b.node('Constant', [], { value_int: 7 }, { name: 'i', outputs: ['i'] })[0],
    b.node('Constant', [], { value_ints: [4, 5] }, { name: 'is', outputs: ['is'] })[0],
    b.node('Constant', [], { value_strings: ['a', 'b', 'c'] }, { name: 'ss', outputs: ['ss'] })[0],
  ];
  for (const o of outs) b.output(b.op('Identity', [o], {}, `id_${o}`));
  const built = b.finish();
  const g = staticShapes(built);
  assert.deepEqual(outs.map((o) => [dtypeOf(g, o), shapeOf(g, o)]), [
    ['int64', [2, 2]], ['float32', []], ['float32', [3]], ['int64', []], ['int64', [2]], ['string', [3]],
  ]);
  assert.deepEqual(constantOf(built, 'id_is_out'), [4, 5]);
  assert.deepEqual(constantOf(built, 't'), [1, 2, 3, 4]);
});

test('Shape (with start/end), Size, ConstantOfShape and Range yield constants', () => {
  const b = new GraphBuilder('shape-ops');
  const x = b.input('x', 'float32', [2, 3, 5, 7]);
  const all = b.op('Shape', [x], {}, 'shape');
  const mid = b.op('Shape', [x], { start: 1, end: -1 }, 'mid');
  const size = b.op('Size', [x], {}, 'size');
  const zeros = b.op('ConstantOfShape', [mid], { value: tensorAttr(int64Tensor([3], [1])) }, 'cos');
  const range = b.op('Range', [b.initializer('s', scalarTensor('int64', 2)), size, b.initializer('d', scalarTensor('int64', 50))], {}, 'range');
  const frange = b.op('Range', [b.initializer('fs', scalarTensor('float32', 0)), b.initializer('fl', scalarTensor('float32', 1)), b.initializer('fd', scalarTensor('float32', 0.25))], {}, 'frange');
  for (const o of [all, zeros, range, frange]) b.output(o);
  const built = b.finish();
  const g = staticShapes(built);
  assert.deepEqual(constantOf(built, 'shape_out'), [2, 3, 5, 7]);
  assert.deepEqual(constantOf(built, 'mid_out'), [3, 5]);
  assert.deepEqual(constantOf(built, 'size_out'), [210]);
  assert.deepEqual(shapeOf(g, 'size_out'), []);
  assert.deepEqual(shapeOf(g, 'cos_out'), [3, 5]);
  assert.equal(dtypeOf(g, 'cos_out'), 'int64');
  assert.deepEqual(constantOf(built, 'range_out'), [2, 52, 102, 152, 202]);
  assert.deepEqual(shapeOf(g, 'frange_out'), [4]);
  assert.equal(dtypeOf(g, 'frange_out'), 'float32');
});

test('Reduce*: axes as attribute or input, keepdims, all axes; ArgMax; TopK with constant k', () => {
  const b = new GraphBuilder('reduce', [{ domain: '', version: 18 }]);
  const x = b.input('x', 'float32', [2, 3, 4]);
  b.output(b.op('ReduceMean', [x, b.initializer('ax', int64Tensor([-1]))], {}, 'mean'));
  b.output(b.op('ReduceSum', [x, b.initializer('ax2', int64Tensor([0, 2]))], { keepdims: 0 }, 'sum'));
  b.output(b.op('ReduceMax', [x], { keepdims: 0 }, 'max'));
  b.output(b.op('ArgMax', [x], { axis: 1, keepdims: 0 }, 'argmax'));
  const [values, indices] = b.node('TopK', [x, b.initializer('k', int64Tensor([2]))], { axis: 1 }, { name: 'topk', outputs: 2 });
  b.output(values);
  b.output(indices);
  const old = new GraphBuilder('reduce-old', [{ domain: '', version: 13 }]);
  old.output(old.op('ReduceMean', [old.input('x', 'float32', [2, 3, 4])], { axes: [1] }, 'mean'));
  const prod = old.op('ReduceProd', [old.initializer('dims', int64Tensor([2, 3, 4]))], { keepdims: 0 }, 'prod');
  old.output(prod);
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'mean_out'), [2, 3, 1]);
  assert.deepEqual(shapeOf(g, 'sum_out'), [3]);
  assert.deepEqual(shapeOf(g, 'max_out'), []);
  assert.deepEqual(shapeOf(g, 'argmax_out'), [2, 4]);
  assert.equal(dtypeOf(g, 'argmax_out'), 'int64');
  assert.deepEqual(shapeOf(g, values), [2, 2, 4]);
  assert.equal(dtypeOf(g, indices), 'int64');
  const builtOld = old.finish();
  assert.deepEqual(shapeOf(staticShapes(builtOld), 'mean_out'), [2, 1, 4]);
  assert.deepEqual(constantOf(builtOld, 'prod_out'), [24]);
});

test('LayerNormalization: Mean and InvStdDev keep the dims before axis', () => {
  const b = new GraphBuilder('ln');
  const x = b.input('x', 'float32', [2, 16, 64]);
  const outs = b.node('LayerNormalization', [x, b.initializer('g', floatTensor([64])), b.initializer('b', floatTensor([64]))], { axis: -1 }, { name: 'ln', outputs: 3 });
  for (const o of outs) b.output(o);
  const g = staticShapes(b.finish());
  assert.deepEqual(outs.map((o) => shapeOf(g, o)), [[2, 16, 64], [2, 16, 1], [2, 16, 1]]);
});
