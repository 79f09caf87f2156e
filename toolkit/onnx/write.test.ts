import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { GraphBuilder, floatAttr } from '../graph/builder';
import { Graph, TensorData, valueNamed, weightBytes } from '../graph/graph';
import { extractSubgraph } from '../graph/subgraph';
import { loadModel } from './load';
import { writeModel } from './write';

const f32 = (dims: number[], xs: number[]): TensorData => ({ dtype: 'float32', dims, bytes: new Uint8Array(new Float32Array(xs).buffer) });

async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/**
 * x[N,2,4,4] -> Conv(w initializer, bias Constant, 3x3 pad 1) -> Relu -> Add(x) skip -> Concat(axis 1) with relu.
 * Only the kernel's centre tap is non-zero: conv[o] = x[o] + 0.5 * x[1-o] + bias[o], per pixel.
 */
function convGraph(): Graph {
  const kernel = new Array<number>(2 * 2 * 9).fill(0);
  for (let o = 0; o < 2; o++) for (let i = 0; i < 2; i++) kernel[(o * 2 + i) * 9 + 4] = o === i ? 1 : 0.5;
  const b = new GraphBuilder('convnet');
  b.input('x', 'float32', ['N', 2, 4, 4]);
  b.initializer('w', f32([2, 2, 3, 3], kernel));
  b.constant('bias', f32([2], [0.5, -4]));
  const conv = b.op('Conv', ['x', 'w', 'bias'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, 'conv');
  const relu = b.op('Relu', [conv], {}, 'relu');
  const skip = b.op('Add', [relu, 'x'], {}, 'skip');
  b.output(b.op('Concat', [skip, relu], { axis: 1 }, 'concat'), 'float32', ['N', 4, 4, 4]);
  return b.finish();
}

test('a builder graph round-trips through writeModel, onnxruntime and loadModel', async () => {
  const g = convGraph();
  const bytes = writeModel(g, { producer: 'quilt-test' });
  const x = Float32Array.from({ length: 32 }, (_, i) => (i < 16 ? 1 : 2));
  const out = (await run(bytes, { x: new ort.Tensor('float32', x, [1, 2, 4, 4]) }))['concat_out'];
  assert.deepEqual(out.dims, [1, 4, 4, 4]);
  const data = out.data as Float32Array;
  // channel 0: relu(1 + 1 + 0.5) = 2.5; channel 1: relu(2 + 0.5 - 4) = 0; skip adds x.
  assert.deepEqual([data[0], data[16], data[32], data[48]], [3.5, 2, 2.5, 0]);

  const back = loadModel(bytes);
  assert.equal(back.name, 'convnet');
  assert.deepEqual(back.opsets, g.opsets);
  assert.deepEqual(back.nodes.map((n) => [n.name, n.opType, n.inputs.map((i) => back.values[i].name), n.outputs.map((i) => back.values[i].name)]),
    g.nodes.map((n) => [n.name, n.opType, n.inputs.map((i) => g.values[i].name), n.outputs.map((i) => g.values[i].name)]));
  assert.deepEqual(back.values.map((v) => [v.name, v.kind]).sort(), g.values.map((v) => [v.name, v.kind]).sort());
  assert.deepEqual(back.nodes[2].attributes, g.nodes[2].attributes);
  assert.deepEqual(valueNamed(back, 'x').shape, ['N', 2, 4, 4]);
  assert.deepEqual(valueNamed(back, 'concat_out').shape, ['N', 4, 4, 4]);
  assert.deepEqual(valueNamed(back, 'bias').shape, [2]);
  assert.deepEqual(valueNamed(back, 'w').data?.bytes, valueNamed(g, 'w').data?.bytes);
  assert.equal(weightBytes(back), 2 * 2 * 9 * 4 + 2 * 4);
  assert.equal(onnx.ModelProto.decode(bytes).producerName, 'quilt-test');
  assert.equal(Number(onnx.ModelProto.decode(bytes).irVersion), 8);
});

test('attributes of every kind, and int64 extremes, survive writing', () => {
  const b = new GraphBuilder('attrs');
  b.input('x', 'float32', [4]);
  b.node('Custom', ['x'], {
    i: 7, big: 9223372036854775807, small: -9223372036854775808, f: floatAttr(0.25), s: 'text',
    ints: [1, -2, 9223372036854775807], strings: ['a', 'b'],
  }, { name: 'c', outputs: ['y'], domain: 'com.example' });
  b.output('y');
  const g = b.finish();
  const back = loadModel(writeModel(g));
  assert.deepEqual(back.nodes[0].attributes, g.nodes[0].attributes);
  const decoded = onnx.ModelProto.decode(writeModel(g));
  const big = decoded.graph!.node![0].attribute!.find((a) => a.name === 'big')!;
  assert.equal(big.i.toString(), '9223372036854775807');
  const small = decoded.graph!.node![0].attribute!.find((a) => a.name === 'small')!;
  assert.equal(small.i.toString(), '-9223372036854775808');
});

/** x[N,3] -> Mul(w) -> Add(bias Constant) -> Sigmoid -> Mul(k Constant) -> Relu -> y, every value float32 [N,3]. */
function chainGraph(): Graph {
  const b = new GraphBuilder('chain');
  b.input('x', 'float32', ['N', 3]);
  b.initializer('w', f32([3], [1, -2, 3]));
  b.constant('bias', f32([3], [0.5, 0.5, -0.5]));
  b.node('Constant', [], { value_float: floatAttr(3) }, { name: 'k_const', outputs: ['k'] });
  const m = b.op('Mul', ['x', 'w'], {}, 'mul');
  const a = b.op('Add', [m, 'bias'], {}, 'add');
  const s = b.op('Sigmoid', [a], {}, 'sigmoid');
  const k = b.op('Mul', [s, 'k'], {}, 'scale');
  b.output(b.op('Relu', [k], {}, 'relu'));
  const g = b.finish();
  // Shape resolution is another folder's job; here every value is known to be float32 [N, 3].
  return { ...g, values: g.values.map((v) => (v.dtype ? v : { ...v, dtype: 'float32' as const, shape: ['N', 3] })) };
}

test('extracted pieces of a chain run in onnxruntime and reproduce the full model', async () => {
  const g = chainGraph();
  const node = (name: string): number => g.nodes.findIndex((n) => n.name === name);
  const value = (name: string): number => valueNamed(g, name).index;
  const x = new ort.Tensor('float32', Float32Array.from([1, 2, -1, 0, 0.5, 4]), [2, 3]);
  const full = (await run(writeModel(g), { x }))['relu_out'];

  const head = extractSubgraph(g, [node('mul'), node('add')], { inputs: [value('x')], outputs: [value('add_out')], name: 'head' });
  const middle = extractSubgraph(g, [node('sigmoid')], { inputs: [value('add_out')], outputs: [value('sigmoid_out')], name: 'middle' });
  const tail = extractSubgraph(g, [node('k_const'), node('scale'), node('relu')], {
    inputs: [value('sigmoid_out')], outputs: [value('relu_out')], name: 'tail',
  });
  const a = (await run(writeModel(head), { x }))['add_out'];
  const xs = x.data as Float32Array;
  const expectedA = [...xs].map((v, i) => Math.fround(Math.fround(v * [1, -2, 3][i % 3]) + [0.5, 0.5, -0.5][i % 3]));
  assert.deepEqual([...(a.data as Float32Array)], expectedA);
  const s = (await run(writeModel(middle), { add_out: a }))['sigmoid_out'];
  const y = (await run(writeModel(tail), { sigmoid_out: s }))['relu_out'];
  assert.deepEqual(y.dims, full.dims);
  assert.deepEqual([...(y.data as Float32Array)], [...(full.data as Float32Array)]);
  // The head reads the bias Constant made outside its nodes: it carries it as an initializer.
  assert.equal(valueNamed(head, 'bias').producer, -1);
  assert.equal(middle.values.filter((v) => v.kind === 'weight').length, 0);
});

test('a large initializer is written with its bytes intact', () => {
  const n = 4 * 1024 * 1024;
  const big = new Float32Array(n);
  for (let i = 0; i < n; i++) big[i] = i % 1000;
  const b = new GraphBuilder('big');
  b.input('x', 'float32', [n]);
  b.initializer('w', { dtype: 'float32', dims: [n], bytes: new Uint8Array(big.buffer) });
  b.output(b.op('Add', ['x', 'w'], {}, 'add'), 'float32', [n]);
  const bytes = writeModel(b.finish());
  assert.ok(bytes.length > n * 4);
  const back = valueNamed(loadModel(bytes), 'w').data!.bytes;
  assert.equal(Buffer.compare(Buffer.from(back), Buffer.from(big.buffer)), 0);
});

test('what cannot be written is a QuiltError', () => {
  const bad = new GraphBuilder('bad');
  bad.input('x', 'float32', [2]);
  bad.initializer('w', { dtype: 'float32', dims: [3], bytes: new Uint8Array(8) });
  bad.output(bad.op('Add', ['x', 'w'], {}, 'add'));
  assert.throws(() => writeModel(bad.finish()), /tensor 'w' has 8 bytes, but its float32 shape \[3\] needs 12/);
  const g = convGraph();
  const untyped: Graph = { ...g, values: g.values.map((v) => (v.name === 'x' ? { ...v, dtype: undefined } : v)) };
  assert.throws(() => writeModel(untyped), /graph 'convnet': input 'x' has no dtype/);
});
