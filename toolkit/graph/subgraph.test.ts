import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, floatAttr } from './builder';
import { constantTensor, extractSubgraph } from './subgraph';
import { Graph, TensorData, valueNamed } from './graph';
import { QuiltError } from '../core/errors';

const f32 = (dims: number[], xs: number[]): TensorData => ({ dtype: 'float32', dims, bytes: new Uint8Array(new Float32Array(xs).buffer) });

/** x -> Mul(w) -> Add(bias const) -> Relu -> Mul(k float attr const) -> y */
function chain(): Graph {
  const b = new GraphBuilder('chain');
  b.input('x', 'float32', ['N', 3]);
  b.initializer('w', f32([3], [1, 2, 3]));
  b.constant('bias', f32([3], [0.5, 0.5, 0.5]));
  b.node('Constant', [], { value_float: floatAttr(2) }, { name: 'k_const', outputs: ['k'] });
  const m = b.op('Mul', ['x', 'w'], {}, 'mul');
  const a = b.op('Add', [m, 'bias'], {}, 'add');
  const r = b.op('Relu', [a], {}, 'relu');
  b.output(b.op('Mul', [r, 'k'], {}, 'scale'), 'float32', ['N', 3]);
  return b.finish();
}

const node = (g: Graph, name: string): number => g.nodes.findIndex((n) => n.name === name);
const value = (g: Graph, name: string): number => valueNamed(g, name).index;

test('the middle of a chain becomes a graph with its inputs, outputs and weights', () => {
  const g = chain();
  const part = extractSubgraph(g, [node(g, 'add'), node(g, 'relu')], {
    inputs: [value(g, 'mul_out')], outputs: [value(g, 'relu_out')], name: 'middle',
  });
  assert.equal(part.name, 'middle');
  assert.deepEqual(part.nodes.map((n) => n.name), ['add', 'relu']);
  assert.deepEqual(part.inputs.map((i) => part.values[i].name), ['mul_out']);
  assert.deepEqual(part.outputs.map((i) => part.values[i].name), ['relu_out']);
  // The Constant 'bias' lives outside the nodes: it comes along as an initializer holding its tensor.
  const bias = valueNamed(part, 'bias');
  assert.equal(bias.kind, 'weight');
  assert.equal(bias.producer, -1);
  assert.deepEqual([...new Float32Array(bias.data!.bytes.slice().buffer)], [0.5, 0.5, 0.5]);
  assert.equal(valueNamed(part, 'relu_out').kind, 'output');
  assert.equal(valueNamed(part, 'mul_out').kind, 'input');
  assert.deepEqual(part.opsets, g.opsets);
});

test('initializers come with their data and Constant nodes inside stay nodes', () => {
  const g = chain();
  const part = extractSubgraph(g, [node(g, 'k_const'), node(g, 'mul'), node(g, 'scale')], {
    inputs: [value(g, 'x'), value(g, 'relu_out')], outputs: [value(g, 'mul_out'), value(g, 'scale_out')],
  });
  assert.equal(part.name, 'chain_part');
  const w = valueNamed(part, 'w');
  assert.equal(w.kind, 'weight');
  assert.equal(w.data, valueNamed(g, 'w').data);
  assert.deepEqual(valueNamed(part, 'x').shape, ['N', 3]);
  const k = valueNamed(part, 'k');
  assert.equal(k.kind, 'weight');
  assert.equal(part.nodes[k.producer].opType, 'Constant');
  assert.deepEqual(valueNamed(part, 'scale_out').shape, ['N', 3]);
});

test('a value that nothing provides is a clear error', () => {
  const g = chain();
  assert.throws(
    () => extractSubgraph(g, [node(g, 'relu')], { inputs: [], outputs: [value(g, 'relu_out')] }),
    (e: unknown) => e instanceof QuiltError
      && /node 'relu' reads 'add_out', which is neither produced by its nodes, a listed input, nor a weight/.test(e.message),
  );
  assert.throws(
    () => extractSubgraph(g, [node(g, 'relu')], { inputs: [value(g, 'add_out')], outputs: [value(g, 'scale_out')] }),
    /graph output 'scale_out'/,
  );
  assert.throws(
    () => extractSubgraph(g, [node(g, 'add'), node(g, 'relu')], { inputs: [value(g, 'mul_out'), value(g, 'add_out')], outputs: [] }),
    /input 'add_out' is produced by node 'add'/,
  );
  assert.throws(() => extractSubgraph(g, [1, 1], { inputs: [], outputs: [] }), /listed twice/);
  assert.throws(() => extractSubgraph(g, [99], { inputs: [], outputs: [] }), /99 is not a node index/);
});

test('constantTensor reads value and value_float/value_ints forms', () => {
  const g = chain();
  const k = constantTensor(g.nodes[node(g, 'k_const')]);
  assert.deepEqual({ dtype: k?.dtype, dims: k?.dims }, { dtype: 'float32', dims: [] });
  assert.equal(new DataView(k!.bytes.buffer).getFloat32(0, true), 2);
  const b = new GraphBuilder('ints');
  b.node('Constant', [], { value_ints: [3, -1] }, { name: 'c', outputs: ['shape'] });
  b.output('shape');
  const ints = constantTensor(b.finish().nodes[0]);
  assert.deepEqual(ints?.dims, [2]);
  assert.deepEqual([...new BigInt64Array(ints!.bytes.buffer)], [3n, -1n]);
  assert.equal(constantTensor(g.nodes[node(g, 'mul')]), undefined);
});
