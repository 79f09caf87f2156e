import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from './builder';
import { assertTopologicalOrder, fileOrder, isTopologicalOrder } from './order';
import { assembleGraph } from './builder';
import { QuiltError } from '../core/errors';

function chain(): ReturnType<GraphBuilder['finish']> {
  const b = new GraphBuilder('chain');
  b.input('x', 'float32', [4]);
  const a = b.op('Relu', ['x'], {}, 'a');
  const c = b.op('Neg', [a], {}, 'b');
  b.output(b.op('Abs', [c], {}, 'c'));
  return b.finish();
}

test('fileOrder keeps the file order when it is topological', () => {
  assert.deepEqual(fileOrder(chain()), [0, 1, 2]);
});

test('fileOrder sorts an unsorted file stably (smallest ready index first)', () => {
  const b = new GraphBuilder('unsorted');
  b.input('x', 'float32', [4]);
  b.node('Abs', ['m'], {}, { name: 'last', outputs: ['y'] }); // 0 reads m, made by node 2
  b.node('Relu', ['x'], {}, { name: 'free', outputs: ['f'] }); // 1 is ready at once
  b.node('Neg', ['x'], {}, { name: 'mid', outputs: ['m'] }); // 2
  b.output('y');
  b.output('f');
  const g = b.finish();
  assert.deepEqual(fileOrder(g), [1, 2, 0]);
  assert.equal(isTopologicalOrder(g, [0, 1, 2]), false);
  assert.equal(isTopologicalOrder(g, [2, 0, 1]), true);
});

test('a cycle is a QuiltError that names the nodes on it', () => {
  const b = new GraphBuilder('loop');
  b.input('x', 'float32', [4]);
  b.node('Add', ['x', 'q'], {}, { name: 'p', outputs: ['pv'] });
  b.node('Relu', ['pv'], {}, { name: 'q', outputs: ['q'] });
  b.node('Relu', ['x'], {}, { name: 'outside', outputs: ['o'] });
  b.output('o');
  assert.throws(() => fileOrder(b.finish()), (e: unknown) => {
    assert.ok(e instanceof QuiltError);
    assert.match(e.message, /graph 'loop' has a cycle through node '(p|q)'/);
    assert.match(e.message, /'p' -> 'q' -> 'p'|'q' -> 'p' -> 'q'/);
    assert.doesNotMatch(e.message, /outside/);
    return true;
  });
});

test('a node reading its own output is a cycle of one', () => {
  const b = new GraphBuilder('self');
  b.node('Relu', ['s'], {}, { name: 'selfish', outputs: ['s'] });
  b.output('s');
  assert.throws(() => fileOrder(b.finish()), /cycle through node 'selfish'/);
});

test('implicit inputs are dependencies', () => {
  const attrs = new Map();
  const g = assembleGraph('cf', [{ domain: '', version: 17 }],
    [
      { name: 'c', dtype: 'bool', shape: [], kind: 'input' },
      { name: 'outer', dtype: undefined, shape: undefined, kind: 'activation' },
      { name: 'y', dtype: undefined, shape: undefined, kind: 'activation' },
    ],
    [
      { name: 'if', opType: 'If', domain: '', inputs: ['c'], outputs: ['y'], attributes: attrs, implicitInputs: ['outer'] },
      { name: 'make', opType: 'Identity', domain: '', inputs: ['c'], outputs: ['outer'], attributes: attrs },
    ],
    ['c'], ['y']);
  assert.deepEqual(g.values[1].consumers, [0]);
  assert.deepEqual(fileOrder(g), [1, 0]);
  assert.equal(isTopologicalOrder(g, [0, 1]), false);
});

test('assertTopologicalOrder says what is wrong', () => {
  const g = chain();
  assert.doesNotThrow(() => assertTopologicalOrder(g, [0, 1, 2]));
  assert.throws(() => assertTopologicalOrder(g, [0, 1]), /order lists 2 nodes but graph 'chain' has 3/);
  assert.throws(() => assertTopologicalOrder(g, [0, 1, 1]), /node 'b' twice/);
  assert.throws(() => assertTopologicalOrder(g, [0, 1, 7]), /names node 7/);
  assert.throws(() => assertTopologicalOrder(g, [1, 0, 2]),
    (e: unknown) => e instanceof QuiltError && /node 'b' reads 'a_out' before node 'a' produces it/.test(e.message));
});
