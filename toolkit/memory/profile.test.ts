import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, assembleGraph, DEFAULT_OPSETS } from '../graph/builder';
import { QuiltError } from '../core/errors';
import { analyzeMemory } from './profile';
import { fileOrder } from '../graph/order';
import { bytesTensor, shapeGraph } from './test-support';

const live = (graph: Parameters<typeof analyzeMemory>[0]) =>
  analyzeMemory(graph, fileOrder(graph)).steps.map((s) => s.liveActivationBytes);

test('chain: each step holds its input and output; weights counted apart', () => {
  const b = new GraphBuilder('chain');
  b.input('x', 'uint8', [10]);
  b.initializer('w', bytesTensor(100));
  const a = b.op('A', ['x'], {}, 'A');
  const c = b.op('B', [a, 'w'], {}, 'B');
  b.output(b.op('C', [c], {}, 'C'));
  const g = shapeGraph(b.finish(), { A_out: 20, B_out: 30, C_out: 5 });
  const p = analyzeMemory(g, fileOrder(g));
  assert.deepEqual(p.steps.map((s) => s.liveActivationBytes), [30, 50, 35]);
  assert.equal(p.weightBytes, 100);
  assert.equal(p.peakActivationBytes, 50);
  assert.equal(p.peakBytes, 150);
  assert.equal(p.peakStep, 1);
  assert.deepEqual(p.peakNode, { index: 1, name: 'B', op: 'B' });
  assert.deepEqual(p.steps.map((s) => s.name), ['A', 'B', 'C']);
  assert.equal(p.firstStep[g.valueByName.get('w')!], -1);
  assert.equal(p.lastStep[g.valueByName.get('x')!], 0);
});

test('diamond: a skip connection stays live until its last reader', () => {
  const b = new GraphBuilder('diamond');
  b.input('x', 'uint8', [10]);
  const a = b.op('A', ['x'], {}, 'A');
  const c = b.op('B', [a], {}, 'B');
  b.output(b.op('C', [a, c], {}, 'C'));
  const g = shapeGraph(b.finish(), { A_out: 20, B_out: 30, C_out: 5 });
  assert.deepEqual(live(g), [30, 50, 55]);
  const p = analyzeMemory(g, fileOrder(g));
  assert.equal(p.peakStep, 2);
  assert.equal(p.lastStep[g.valueByName.get('A_out')!], 2);
});

test('concat: a graph input read by two nodes and both branches live at the join', () => {
  const b = new GraphBuilder('concat');
  b.input('x', 'uint8', [10]);
  const a = b.op('A', ['x'], {}, 'A');
  const c = b.op('B', ['x'], {}, 'B');
  b.output(b.op('Concat', [a, c], { axis: 0 }, 'cat'));
  const g = shapeGraph(b.finish(), { A_out: 20, B_out: 30, cat_out: 50 });
  assert.deepEqual(live(g), [30, 60, 100]);
  assert.equal(analyzeMemory(g, fileOrder(g)).peakActivationBytes, 100);
});

test('a value nobody reads is live only at its producing step', () => {
  const b = new GraphBuilder('unused');
  b.input('x', 'uint8', [10]);
  const [a] = b.node('A', ['x'], {}, { name: 'A', outputs: ['a', 'u'] });
  b.output(b.op('B', [a], {}, 'B'));
  const g = shapeGraph(b.finish(), { a: 20, u: 40, B_out: 5 });
  const p = analyzeMemory(g, fileOrder(g));
  assert.deepEqual(p.steps.map((s) => s.liveActivationBytes), [70, 25]);
  assert.equal(p.firstStep[g.valueByName.get('u')!], 0);
  assert.equal(p.lastStep[g.valueByName.get('u')!], 0);
});

test('a graph output that is also read later stays live to the end of the order', () => {
  const b = new GraphBuilder('early-output');
  b.input('x', 'uint8', [10]);
  const a = b.op('A', ['x'], {}, 'A');
  b.output(a);
  const c = b.op('B', ['x'], {}, 'B');
  b.output(b.op('C', [c], {}, 'C'));
  const g = shapeGraph(b.finish(), { A_out: 20, B_out: 30, C_out: 5 });
  // step0: x a; step1: x a b; step2: a b y
  assert.deepEqual(live(g), [30, 60, 55]);
  assert.equal(analyzeMemory(g, fileOrder(g)).lastStep[g.valueByName.get('A_out')!], 2);
});

test('Constant outputs are weights, not activations', () => {
  const b = new GraphBuilder('constants');
  b.input('x', 'uint8', [10]);
  const c = b.constant('c', bytesTensor(64));
  b.output(b.op('Add', ['x', c], {}, 'add'));
  const g = shapeGraph(b.finish(), { add_out: 10 });
  const p = analyzeMemory(g, fileOrder(g));
  assert.equal(p.weightBytes, 64);
  // step0 runs the Constant: x is already live (graph inputs live from step 0).
  assert.deepEqual(p.steps.map((s) => s.liveActivationBytes), [10, 20]);
  assert.equal(p.peakBytes, 84);
  assert.equal(p.firstStep[g.valueByName.get('c')!], -1);
});

test('If: implicit inputs keep outer values live; subgraph weights count as weights', () => {
  const none = new Map();
  const graph = assembleGraph('iff', DEFAULT_OPSETS, [
    { name: 'x', dtype: 'uint8', shape: [10], kind: 'input' },
    { name: 'a', dtype: 'uint8', shape: [20], kind: 'activation' },
    { name: 'b', dtype: 'uint8', shape: [30], kind: 'activation' },
    { name: 'y', dtype: 'uint8', shape: [5], kind: 'activation' },
  ], [
    { name: 'A', opType: 'A', domain: '', inputs: ['x'], outputs: ['a'], attributes: none },
    { name: 'B', opType: 'B', domain: '', inputs: ['x'], outputs: ['b'], attributes: none },
    { name: 'if', opType: 'If', domain: '', inputs: ['b'], outputs: ['y'], attributes: none, implicitInputs: ['a'], subgraphWeightBytes: 1000 },
  ], ['x'], ['y']);
  const g = shapeGraph(graph, {});
  const p = analyzeMemory(g, fileOrder(g));
  assert.deepEqual(p.steps.map((s) => s.liveActivationBytes), [30, 60, 55]);
  assert.equal(p.weightBytes, 1000);
  assert.equal(p.peakBytes, 1060);
  assert.deepEqual(p.peakNode, { index: 1, name: 'B', op: 'B' });
});

test('orders that are not topological or not complete are rejected with the node named', () => {
  const b = new GraphBuilder('bad');
  b.input('x', 'uint8', [10]);
  const a = b.op('A', ['x'], {}, 'A');
  b.output(b.op('B', [a], {}, 'B'));
  const g = shapeGraph(b.finish(), { A_out: 1, B_out: 1 });
  assert.throws(() => analyzeMemory(g, [1, 0]), (e: unknown) => e instanceof QuiltError && /'B'.*reads 'A_out'/.test(e.message));
  assert.throws(() => analyzeMemory(g, [0]), QuiltError);
  assert.throws(() => analyzeMemory(g, [0, 0]), /'A' twice/);
});
