import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { Graph } from '../graph/graph';
import { QuiltError } from '../core/errors';
import { resolveShapes } from './index';
import { resolveShapesWith } from './resolve';
import { known } from './known';
import { floatTensor, int64Tensor, shapeOf } from './testing';

/** A BERT-like head split: [batch, seq, 64] -> [batch, seq, 4, 16] through a Shape -> Gather -> Concat chain. */
function bertChain(): Graph {
  const b = new GraphBuilder('bert-chain');
  const ids = b.input('input_ids', 'int64', ['batch', 'seq']);
  b.input('attention_mask', 'int64', ['batch', 'seq']);
  const emb = b.op('Gather', [b.initializer('table', floatTensor([100, 64])), ids], {}, 'embed');
  const shape = b.op('Shape', [emb], {}, 'shape');
  const batch = b.op('Gather', [shape, b.initializer('zero', int64Tensor([0], []))], {}, 'batch');
  const seq = b.op('Gather', [shape, b.initializer('one', int64Tensor([1], []))], {}, 'seq');
  const axes = b.initializer('axes0', int64Tensor([0]));
  const dims = b.op('Concat', [
    b.op('Unsqueeze', [batch, axes], {}, 'ub'), b.op('Unsqueeze', [seq, axes], {}, 'us'),
    b.initializer('heads', int64Tensor([4])), b.initializer('width', int64Tensor([16])),
  ], { axis: 0 }, 'dims');
  const heads = b.op('Reshape', [emb, dims], {}, 'split_heads');
  b.output(b.op('Transpose', [heads], { perm: [0, 2, 1, 3] }, 'to_heads'));
  return b.finish();
}

test('a Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain resolves; symbolic dims come from options', async () => {
  const g = await resolveShapes(bertChain(), { inputShapes: { input_ids: [2, 10] }, fallback: 'none' });
  assert.deepEqual(shapeOf(g, 'split_heads_out'), [2, 10, 4, 16]);
  assert.deepEqual(shapeOf(g, 'to_heads_out'), [2, 4, 10, 16]);
  assert.deepEqual(shapeOf(g, 'attention_mask'), [2, 10], 'batch and seq bound by name from input_ids');
  assert.equal(g.values[g.valueByName.get('to_heads_out') as number].bytes, 2 * 4 * 10 * 16 * 4);
  assert.deepEqual(g.resolution.fallbackValues, []);
  assert.equal(g.resolution.staticValues, g.values.length);
});

test('the shaped graph keeps the indices, kinds and links of the input graph', async () => {
  const graph = bertChain();
  const g = await resolveShapes(graph, { inputShapes: { input_ids: [1, 8], attention_mask: [1, 8] }, fallback: 'none' });
  assert.equal(g.values.length, graph.values.length);
  graph.values.forEach((v, i) => {
    assert.equal(g.values[i].name, v.name);
    assert.equal(g.values[i].kind, v.kind);
    assert.deepEqual(g.values[i].consumers, v.consumers);
  });
  assert.equal(g.nodes, graph.nodes);
});

test('a symbolic input dim with no shape given is a QuiltError naming the input and the dimension', async () => {
  await assert.rejects(resolveShapes(bertChain(), { fallback: 'none' }), (e: unknown) => e instanceof QuiltError
    && e.message === "input 'input_ids' dimension 0 ('batch') is symbolic: pass --input input_ids=<batch>x<seq>");
  const b = new GraphBuilder('partly');
  b.output(b.op('Relu', [b.input('x', 'float32', [1, 'seq'])]));
  await assert.rejects(resolveShapes(b.finish()), /input 'x' dimension 1 \('seq'\) is symbolic: pass --input x=1x<seq>/);
});

test('a shape for a name that is not an input is a QuiltError listing the inputs', async () => {
  await assert.rejects(resolveShapes(bertChain(), { inputShapes: { input_ids: [1, 4], token_type_ids: [1, 4] } }),
    (e: unknown) => e instanceof QuiltError && /'token_type_ids'.*not an input.*inputs: input_ids, attention_mask/.test(e.message));
  await assert.rejects(resolveShapes(bertChain(), { inputShapes: { input_ids: [1, 4, 2] } }), /rank 3.*rank 2/);
});

function withUnknownOp(): Graph {
  const b = new GraphBuilder('custom');
  const x = b.input('x', 'float32', [3, 4]);
  const y = b.op('MysteryOp', [x], {}, 'mystery');
  b.output(b.op('Relu', [y], {}, 'after'));
  return b.finish();
}

test('without a fallback an op with no rule is a QuiltError naming the node', async () => {
  await assert.rejects(resolveShapes(withUnknownOp(), { fallback: 'none' }),
    (e: unknown) => e instanceof QuiltError && /'mystery' \(MysteryOp\): no static shape rule.*and 1 more/.test(e.message));
});

test('the fallback is asked wide (load-time inference only) first, then for the frontier; the static pass resumes', async () => {
  const asked: string[] = [];
  const g = await resolveShapesWith(withUnknownOp(), {}, async (graph, wave, knownValues) => {
    asked.push(`${wave.inferenceOnly ? 'wide' : 'run'}:${wave.frontier.map((n) => graph.nodes[n].name).join(',')}`);
    assert.deepEqual(wave.inputs.map((i) => knownValues[i]?.shape), [[3, 4]]);
    if (wave.inferenceOnly) return new Map();
    return new Map(wave.frontier.flatMap((n) => graph.nodes[n].outputs).map((t) => [t, known('float32', [12])]));
  });
  assert.deepEqual(asked, ['wide:mystery,after', 'run:mystery'], 'after the run, Relu is shaped by its static rule');
  assert.deepEqual(g.resolution.fallbackValues, ['mystery_out']);
  assert.deepEqual(g.resolution.fallbackNodes.map((n) => [n.name, n.reason]), [['mystery', 'no-rule']]);
  assert.equal(g.resolution.fallbackRuns, 2);
  assert.deepEqual(shapeOf(g, 'after_out'), [12]);
});

test('a fallback that returns nothing is a QuiltError naming the node, not an endless loop', async () => {
  await assert.rejects(resolveShapesWith(withUnknownOp(), {}, async () => new Map()),
    (e: unknown) => e instanceof QuiltError && /no shape for the outputs of node 'mystery' \(MysteryOp\)/.test(e.message));
});

test('with static rules switched off every node goes through the fallback, wide first, then frontier by frontier', async () => {
  const waves: string[] = [];
  const g = await resolveShapesWith(withUnknownOp(), { staticRules: false }, async (graph, wave) => {
    waves.push(`${wave.inferenceOnly ? 'wide' : 'run'}:${wave.frontier.length}`);
    if (wave.inferenceOnly) return new Map();
    return new Map(wave.frontier.flatMap((n) => graph.nodes[n].outputs).map((t) => [t, known('float32', [3, 4])]));
  });
  assert.deepEqual(waves, ['wide:2', 'run:1', 'wide:1', 'run:1']);
  assert.deepEqual(g.resolution.fallbackValues, ['mystery_out', 'after_out']);
});
