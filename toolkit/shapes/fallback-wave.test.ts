/** planWave: the frontier runs with the small cones of its shape-like inputs; big activations are filled. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { frontierOf, planWave } from './fallback-wave';
import { inferStatic, initializerKnowns } from './infer';
import { inputKnowns } from './inputs';
import { int64Tensor } from './testing';

function graphWithTopK() {
  const b = new GraphBuilder('wave');
  const x = b.input('x', 'float32', [128, 64]);
  const big = b.op('Relu', [x], {}, 'big');
  const k = b.op('Unsqueeze', [b.op('Cast', [b.op('ReduceMax', [big], { keepdims: 0 }, 'max')], { to: 7 }, 'k'), b.initializer('axes', int64Tensor([0]))], {}, 'k1');
  b.node('TopK', [big, k], { axis: 1 }, { name: 'topk', outputs: 2 });
  const g = b.finish();
  const seeds = initializerKnowns(g);
  for (const [i, kn] of inputKnowns(g)) seeds.set(i, kn);
  const inference = inferStatic(g, seeds);
  return { g, known: inference.values, unresolved: inference.unresolved.map((u) => u.node) };
}

test('the small input k is computed by its cone (back to the graph input) within the budget', () => {
  const { g, known, unresolved } = graphWithTopK();
  const frontier = frontierOf(g, known, unresolved);
  assert.deepEqual(frontier.map((n) => g.nodes[n].name), ['topk']);
  const wave = planWave(g, known, frontier);
  assert.deepEqual(wave.nodes.map((n) => g.nodes[n].name), ['big', 'max', 'k', 'k1', 'topk']);
  assert.deepEqual(wave.inputs.map((v) => g.values[v].name), ['x']);
  assert.deepEqual(wave.filled, [], 'a graph input is not a stand-in: its filler is the documented input');
});

test('past the cone budget the small input is filled instead (memory stays bounded)', () => {
  const { g, known, unresolved } = graphWithTopK();
  const wave = planWave(g, known, frontierOf(g, known, unresolved), { coneBudgetBytes: 4 });
  assert.deepEqual(wave.nodes.map((n) => g.nodes[n].name), ['topk']);
  assert.deepEqual(wave.filled.map((v) => g.values[v].name).sort(), ['big_out', 'k1_out']);
});
