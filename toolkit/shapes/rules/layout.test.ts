import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, floatsAttr } from '../../graph/builder';
import { QuiltError } from '../../core/errors';
import { constantOf, floatTensor, int64Tensor, shapeOf, staticShapes } from '../testing';

test('Reshape copies 0 dims and infers -1; Flatten and Transpose', () => {
  const b = new GraphBuilder('reshape');
  const x = b.input('x', 'float32', [2, 3, 4, 5]);
  b.output(b.op('Reshape', [x, b.initializer('s1', int64Tensor([0, -1, 5]))], {}, 'r1'));
  b.output(b.op('Reshape', [x, b.initializer('s2', int64Tensor([-1]))], {}, 'r2'));
  b.output(b.op('Flatten', [x], { axis: 2 }, 'flat'));
  b.output(b.op('Flatten', [x], { axis: 0 }, 'flat0'));
  b.output(b.op('Transpose', [x], { perm: [0, 2, 3, 1] }, 'perm'));
  b.output(b.op('Transpose', [x], {}, 'rev'));
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'r1_out'), [2, 12, 5]);
  assert.deepEqual(shapeOf(g, 'r2_out'), [120]);
  assert.deepEqual(shapeOf(g, 'flat_out'), [6, 20]);
  assert.deepEqual(shapeOf(g, 'flat0_out'), [1, 120]);
  assert.deepEqual(shapeOf(g, 'perm_out'), [2, 4, 5, 3]);
  assert.deepEqual(shapeOf(g, 'rev_out'), [5, 4, 3, 2]);
});

test('Reshape to an impossible shape is a QuiltError naming the node', () => {
  const b = new GraphBuilder('bad');
  b.output(b.op('Reshape', [b.input('x', 'float32', [2, 3]), b.initializer('s', int64Tensor([4, -1]))], {}, 'bad_reshape'));
  assert.throws(() => staticShapes(b.finish()), (e: unknown) => e instanceof QuiltError && e.message.includes("'bad_reshape' (Reshape)"));
});

test('Split: sizes as input, as attribute, num_outputs and equal parts', () => {
  const b = new GraphBuilder('split');
  const x = b.input('x', 'float32', [2, 10, 6]);
  const fromInput = b.node('Split', [x, b.initializer('sizes', int64Tensor([2, 3, 5]))], { axis: 1 }, { name: 'si', outputs: 3 });
  const fromAttr = b.node('Split', [x], { axis: -1, split: [1, 5] }, { name: 'sa', outputs: 2 });
  const equal = b.node('Split', [x], { axis: 2 }, { name: 'se', outputs: 3 });
  const uneven = b.node('Split', [x], { axis: 1, num_outputs: 3 }, { name: 'sn', outputs: 3 });
  for (const o of [...fromInput, ...fromAttr, ...equal, ...uneven]) b.output(o);
  const g = staticShapes(b.finish());
  assert.deepEqual(fromInput.map((o) => shapeOf(g, o)), [[2, 2, 6], [2, 3, 6], [2, 5, 6]]);
  assert.deepEqual(fromAttr.map((o) => shapeOf(g, o)), [[2, 10, 1], [2, 10, 5]]);
  assert.deepEqual(equal.map((o) => shapeOf(g, o)), [[2, 10, 2], [2, 10, 2], [2, 10, 2]]);
  assert.deepEqual(uneven.map((o) => shapeOf(g, o)), [[2, 4, 6], [2, 4, 6], [2, 2, 6]]);
});

test('Slice (negative, clamped and reversed), Concat, Squeeze/Unsqueeze with axes as input or attribute', () => {
  const b = new GraphBuilder('slice');
  const x = b.input('x', 'float32', [4, 10, 8]);
  const i = (name: string, v: number[]): string => b.initializer(name, int64Tensor(v));
  b.output(b.op('Slice', [x, i('st', [1, -3]), i('en', [1e9, 1e9]), i('ax', [1, 2])], {}, 'tail'));
  b.output(b.op('Slice', [x, i('st2', [-1]), i('en2', [-1e9]), i('ax2', [0]), i('sp2', [-2])], {}, 'rev'));
  b.output(b.op('Slice', [x, i('st3', [0]), i('en3', [7]), i('ax3', [1]), i('sp3', [3])], {}, 'step'));
  b.output(b.op('Concat', [x, x, b.input('y', 'float32', [4, 1, 8])], { axis: -2 }, 'cat'));
  const u = b.op('Unsqueeze', [x, i('ua', [0, -1])], {}, 'unsq');
  b.output(b.op('Squeeze', [u, i('sa', [0])], {}, 'sq'));
  b.output(b.op('Squeeze', [u], {}, 'sqall'));
  const legacy = new GraphBuilder('legacy', [{ domain: '', version: 11 }]);
  const lx = legacy.input('x', 'float32', [3, 4]);
  legacy.output(legacy.op('Squeeze', [legacy.op('Unsqueeze', [lx], { axes: [1] }, 'u')], { axes: [1] }, 's'));
  legacy.output(legacy.op('Slice', [lx], { starts: [1], ends: [3], axes: [1] }, 'sl'));
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'tail_out'), [4, 9, 3]);
  assert.deepEqual(shapeOf(g, 'rev_out'), [2, 10, 8]);
  assert.deepEqual(shapeOf(g, 'step_out'), [4, 3, 8]);
  assert.deepEqual(shapeOf(g, 'cat_out'), [4, 21, 8]);
  assert.deepEqual(shapeOf(g, 'unsq_out'), [1, 4, 10, 8, 1]);
  assert.deepEqual(shapeOf(g, 'sq_out'), [4, 10, 8, 1]);
  assert.deepEqual(shapeOf(g, 'sqall_out'), [4, 10, 8]);
  const lg = staticShapes(legacy.finish());
  assert.deepEqual(shapeOf(lg, 'u_out'), [3, 1, 4]);
  assert.deepEqual(shapeOf(lg, 's_out'), [3, 4]);
  assert.deepEqual(shapeOf(lg, 'sl_out'), [3, 2]);
});

test('Expand, Tile, Pad, Gather and Resize', () => {
  const b = new GraphBuilder('misc');
  const x = b.input('x', 'float32', [3, 1, 5]);
  const i = (name: string, v: number[], dims?: number[]): string => b.initializer(name, int64Tensor(v, dims));
  b.output(b.op('Expand', [x, i('es', [2, 1, 4, 1])], {}, 'expand'));
  b.output(b.op('Tile', [x, i('reps', [2, 3, 1])], {}, 'tile'));
  b.output(b.op('Pad', [x, i('pads', [0, 1, 2, 1, 0, 3])], {}, 'pad'));
  b.output(b.op('Gather', [x, i('idx', [0, 2, 1, 0], [2, 2])], { axis: 0 }, 'gather'));
  b.output(b.op('Gather', [x, i('one', [4], [])], { axis: 2 }, 'gather_scalar'));
  const img = b.input('img', 'float32', [1, 3, 10, 12]);
  b.output(b.op('Resize', [img, '', b.initializer('scales', floatTensor([4], 1)), ''], {}, 'same'));
  b.output(b.op('Resize', [img, '', '', i('sizes', [1, 3, 20, 18])], {}, 'sized'));
  const up = new GraphBuilder('up', [{ domain: '', version: 7 }]);
  up.output(up.op('Upsample', [up.input('x', 'float32', [1, 2, 4, 4])], { scales: floatsAttr([1, 1, 2, 2]) }, 'up'));
  const g = staticShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'expand_out'), [2, 3, 4, 5]);
  assert.deepEqual(shapeOf(g, 'tile_out'), [6, 3, 5]);
  assert.deepEqual(shapeOf(g, 'pad_out'), [4, 2, 10]);
  assert.deepEqual(shapeOf(g, 'gather_out'), [2, 2, 1, 5]);
  assert.deepEqual(shapeOf(g, 'gather_scalar_out'), [3, 1]);
  assert.deepEqual(shapeOf(g, 'same_out'), [1, 3, 10, 12]);
  assert.deepEqual(shapeOf(g, 'sized_out'), [1, 3, 20, 18]);
  assert.deepEqual(shapeOf(staticShapes(up.finish()), 'up_out'), [1, 2, 8, 8]);
});

test('constant contents flow through Gather, Slice, Concat, Tile and Expand', () => {
  const b = new GraphBuilder('consts');
  const c = b.initializer('c', int64Tensor([10, 20, 30, 40, 50, 60], [2, 3]));
  const g1 = b.op('Gather', [c, b.initializer('i', int64Tensor([2, 0]))], { axis: 1 }, 'g1');
  const s = b.op('Slice', [c, b.initializer('st', int64Tensor([1])), b.initializer('en', int64Tensor([3])), b.initializer('ax', int64Tensor([1]))], {}, 'sl');
  const cat = b.op('Concat', [g1, s], { axis: 1 }, 'cat');
  const tile = b.op('Tile', [b.initializer('v', int64Tensor([1, 2])), b.initializer('r', int64Tensor([2]))], {}, 'tile');
  const ex = b.op('Expand', [b.initializer('k', int64Tensor([7], [])), b.initializer('sh', int64Tensor([3]))], {}, 'ex');
  for (const o of [cat, tile, ex]) b.output(o);
  const g = b.finish();
  assert.deepEqual(constantOf(g, 'g1_out'), [30, 10, 60, 40]);
  assert.deepEqual(constantOf(g, 'cat_out'), [30, 10, 20, 30, 60, 40, 50, 60]);
  assert.deepEqual(constantOf(g, 'tile_out'), [1, 2, 1, 2]);
  assert.deepEqual(constantOf(g, 'ex_out'), [7, 7, 7]);
});

test('Split folds constant pieces; large results are shaped but never folded', () => {
  const b = new GraphBuilder('split-consts');
  const dims = b.op('Shape', [b.input('x', 'float32', [2, 3, 5, 7])], {}, 'dims');
  const [head, tail] = b.node('Split', [dims, b.initializer('sz', int64Tensor([1, 3]))], {}, { name: 'parts', outputs: 2 });
  const big = b.op('Expand', [b.initializer('one', int64Tensor([1], [])), b.initializer('bigshape', int64Tensor([100, 100]))], {}, 'big');
  for (const o of [head, tail, big]) b.output(o);
  const g = b.finish();
  assert.deepEqual(constantOf(g, head), [2]);
  assert.deepEqual(constantOf(g, tail), [3, 5, 7]);
  assert.equal(constantOf(g, 'big_out'), undefined);
  assert.deepEqual(shapeOf(staticShapes(g), 'big_out'), [100, 100]);
});
