import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { ShapedGraph } from '../graph/graph';
import { fileOrder } from '../graph/order';
import { bytesTensor, shapeGraph } from '../memory/test-support';
import { propose } from './propose';
import { validate } from './validate';

/** Each task's node names, Constants included. */
function layers(graph: ShapedGraph): string[][] {
  const plan = propose(graph, fileOrder(graph), { granularity: 'layer' });
  validate(plan);
  return plan.tasks.map((t) => t.nodes.map((n) => graph.nodes[n].name));
}

test('layer: an activation joins the operator it directly follows (Conv+Relu, Add+Relu; Clip with its Constants)', () => {
  const g = new GraphBuilder('fused');
  g.input('x', 'uint8', [8]);
  const lo = g.constant('lo', bytesTensor(1));
  const c1 = g.op('Conv', ['x'], {}, 'conv1');
  const r1 = g.op('Relu', [c1], {}, 'relu1');
  const c2 = g.op('Conv', [r1], {}, 'conv2');
  const add = g.op('Add', [c2, r1], {}, 'add');
  const r2 = g.op('Relu', [add], {}, 'relu2');
  const c3 = g.op('Conv', [r2], {}, 'conv3');
  g.output(g.op('Clip', [c3, lo], {}, 'clip'));
  const graph = shapeGraph(g.finish(), { conv1_out: 8, relu1_out: 8, conv2_out: 8, add_out: 8, relu2_out: 8, conv3_out: 8, clip_out: 8 });
  assert.deepEqual(layers(graph), [['conv1', 'relu1'], ['conv2'], ['add', 'relu2'], ['conv3', 'lo_const', 'clip']]);
});

test('layer: an activation stays a task of its own when its input is read elsewhere, is a graph output, comes from an activation, or is not next', () => {
  const g = new GraphBuilder('apart');
  g.input('x', 'uint8', [8]);
  const c1 = g.op('Conv', ['x'], {}, 'conv1');
  const r1 = g.op('Relu', [c1], {}, 'relu1'); // conv1_out is also read by add: apart
  const add = g.op('Add', [r1, c1], {}, 'add');
  const s1 = g.op('Sigmoid', [add], {}, 'sig'); // joins add
  const r2 = g.op('Relu', [s1], {}, 'relu2'); // its producer is an activation: apart
  const c2 = g.op('Conv', [r2], {}, 'conv2');
  const m = g.op('Mul', [r2, r2], {}, 'mul');
  const t = g.op('Tanh', [c2], {}, 'tanh'); // conv2 is not the node right before it: apart
  const c3 = g.op('Conv', [t], {}, 'conv3');
  g.output(c3); // conv3_out is a graph output: relu3 stays apart
  g.output(g.op('Relu', [c3], {}, 'relu3'));
  g.output(m);
  const graph = shapeGraph(g.finish(), Object.fromEntries(['conv1', 'relu1', 'add', 'sig', 'relu2', 'conv2', 'mul', 'tanh', 'conv3', 'relu3'].map((n) => [`${n}_out`, 8])));
  assert.deepEqual(layers(graph), [['conv1'], ['relu1'], ['add', 'sig'], ['relu2'], ['conv2'], ['mul'], ['tanh'], ['conv3'], ['relu3']]);
});
