import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { QuiltError } from '../core/errors';
import { valueNamed } from '../graph/graph';
import { loadModel } from './load';
import { writeModel } from './write';
import {
  BOOL, constantNode, encodeModel, FLOAT, floats, floatTensor, graphAttr, ifModel, INT64, loopModel, node, tensorInfo,
} from './fixtures';

const asFloats = (b: Uint8Array): number[] => [...new Float32Array(b.slice().buffer)];

async function runOnce(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run(feeds);
    const result: Record<string, number[]> = {};
    for (const [k, t] of Object.entries(out)) result[k] = [...(t.data as Float32Array)];
    return result;
  } finally {
    await session.release();
  }
}

function quiltError(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof QuiltError, `expected a QuiltError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  };
}

function externalDataModel(location: string): Uint8Array {
  return encodeModel({
    name: 'ext',
    input: [tensorInfo('x', FLOAT, [4])],
    initializer: [{
      name: 'w', dims: [4], dataType: FLOAT, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [{ key: 'location', value: location }, { key: 'offset', value: '16' }, { key: 'length', value: '16' }],
    }],
    node: [node('Add', ['x', 'w'], ['y'], 'add')],
    output: [tensorInfo('y', FLOAT, [4])],
  });
}

test('external data is read from the model file\'s folder, at its offset', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-ext-'));
  try {
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat([Buffer.from(floats([9, 9, 9, 9])), Buffer.from(floats([1, 2, 3, 4]))]));
    const modelPath = path.join(dir, 'ext.onnx');
    fs.writeFileSync(modelPath, externalDataModel('weights.bin'));
    const g = loadModel(modelPath);
    const w = valueNamed(g, 'w');
    assert.equal(w.kind, 'weight');
    assert.deepEqual(w.shape, [4]);
    assert.deepEqual(asFloats(w.data!.bytes), [1, 2, 3, 4]);
    const out = await runOnce(writeModel(g), { x: new ort.Tensor('float32', Float32Array.from([1, 1, 1, 1]), [4]) });
    assert.deepEqual(out.y, [2, 3, 4, 5]);

    const fromBytes = loadModel(fs.readFileSync(modelPath), { baseDir: dir, name: 'ext_bytes' });
    assert.equal(fromBytes.name, 'ext_bytes');
    assert.deepEqual(asFloats(valueNamed(fromBytes, 'w').data!.bytes), [1, 2, 3, 4]);
    assert.throws(() => loadModel(fs.readFileSync(modelPath)), quiltError(/tensor 'w' keeps its data in 'weights.bin'.*baseDir/));

    fs.writeFileSync(path.join(dir, 'gone.onnx'), externalDataModel('nowhere.bin'));
    assert.throws(() => loadModel(path.join(dir, 'gone.onnx')), quiltError(/gone\.onnx.*tensor 'w'.*missing external data file '.*nowhere\.bin'/));
    fs.writeFileSync(path.join(dir, 'short.bin'), Buffer.alloc(20));
    fs.writeFileSync(path.join(dir, 'short.onnx'), externalDataModel('short.bin'));
    assert.throws(() => loadModel(path.join(dir, 'short.onnx')), quiltError(/needs bytes 16\.\.32 of 'short\.bin', but that file has 20 bytes/));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an If node stays one node, with its implicit input and branch weights', async () => {
  const g = loadModel(ifModel());
  assert.equal(g.name, 'if_model');
  assert.deepEqual(g.nodes.map((n) => n.opType), ['Relu', 'If']);
  const branch = g.nodes[1];
  const rx = valueNamed(g, 'rx');
  assert.deepEqual(branch.implicitInputs, [rx.index]);
  assert.deepEqual(rx.consumers, [1]);
  assert.equal(branch.subgraphWeightBytes, 16);
  assert.equal(branch.attributes.get('then_branch')?.type, 'opaque');
  assert.equal(g.values.filter((v) => v.name.startsWith('then') || v.name.startsWith('else')).length, 0);

  const written = writeModel(g);
  const x = new ort.Tensor('float32', Float32Array.from([-1, 3]), [2]);
  const yes = await runOnce(written, { cond: new ort.Tensor('bool', Uint8Array.from([1]), []), x });
  assert.deepEqual(yes.y, [10, 23]);
  const no = await runOnce(written, { cond: new ort.Tensor('bool', Uint8Array.from([0]), []), x });
  assert.deepEqual(no.y, [0, 9]);
  assert.equal(loadModel(written).nodes[1].subgraphWeightBytes, 16);
});

test('a Loop body reads an outer initializer implicitly and keeps its Constant as node weight', async () => {
  const g = loadModel(loopModel());
  const loop = g.nodes[0];
  const scale = valueNamed(g, 'scale');
  assert.equal(scale.kind, 'weight');
  assert.deepEqual(loop.implicitInputs, [scale.index]);
  assert.deepEqual(loop.inputs.map((i) => (i < 0 ? '' : g.values[i].name)), ['trip', '', 'v0']);
  assert.equal(loop.subgraphWeightBytes, 8);
  const out = await runOnce(writeModel(g), {
    trip: new ort.Tensor('int64', BigInt64Array.from([3n]), []),
    v0: new ort.Tensor('float32', Float32Array.from([0, 1]), [2]),
  });
  assert.deepEqual(out.v_final, [14, 22]);
});

test('symbolic dims come through as strings and missing dims as null', () => {
  const bytes = encodeModel({
    name: 'sym',
    input: [tensorInfo('x', FLOAT, ['batch', 3, null])],
    node: [node('Relu', ['x'], ['h'], 'relu'), node('Neg', ['h'], ['y'], 'neg')],
    valueInfo: [tensorInfo('h', FLOAT, ['batch', 3, null])],
    output: [tensorInfo('y', FLOAT)],
  });
  const g = loadModel(bytes);
  assert.deepEqual(valueNamed(g, 'x').shape, ['batch', 3, null]);
  assert.deepEqual(valueNamed(g, 'h').shape, ['batch', 3, null]);
  assert.equal(valueNamed(g, 'h').dtype, 'float32');
  assert.equal(valueNamed(g, 'y').shape, undefined);
  assert.equal(valueNamed(g, 'y').dtype, 'float32');
  const again = loadModel(writeModel(g));
  assert.deepEqual(valueNamed(again, 'h').shape, ['batch', 3, null]);
  assert.deepEqual(again.inputs.map((i) => again.values[i].shape), [['batch', 3, null]]);
});

test('typed tensor fields (float_data, int64_data, int32_data for float16) become raw bytes', async () => {
  const bytes = encodeModel({
    name: 'typed',
    input: [tensorInfo('x', FLOAT, [2, 2])],
    initializer: [
      { name: 'w', dims: [2, 2], dataType: FLOAT, floatData: [1, 2, 3, 4] },
      { name: 'shape', dims: [1], dataType: INT64, int64Data: [-1] },
      { name: 'half', dims: [2], dataType: onnx.TensorProto.DataType.FLOAT16, int32Data: [0x3c00, 0xc000] },
    ],
    node: [node('Add', ['x', 'w'], ['s'], 'add'), node('Reshape', ['s', 'shape'], ['y'], 'flat')],
    output: [tensorInfo('y', FLOAT, [4])],
  });
  const g = loadModel(bytes);
  assert.deepEqual(asFloats(valueNamed(g, 'w').data!.bytes), [1, 2, 3, 4]);
  assert.deepEqual([...new BigInt64Array(valueNamed(g, 'shape').data!.bytes.slice().buffer)], [-1n]);
  assert.deepEqual([...new Uint16Array(valueNamed(g, 'half').data!.bytes.slice().buffer)], [0x3c00, 0xc000]);
  const out = await runOnce(writeModel(g), { x: new ort.Tensor('float32', Float32Array.from([1, 1, 1, 1]), [2, 2]) });
  assert.deepEqual(out.y, [2, 3, 4, 5]);
  const short = encodeModel({
    name: 'short', initializer: [{ name: 'w', dims: [3], dataType: FLOAT, floatData: [1] }], output: [tensorInfo('w', FLOAT, [3])],
  });
  assert.throws(() => loadModel(short), quiltError(/tensor 'w' has 4 bytes of data, but its float32 shape \[3\] needs 12/));
});

test('graph inputs that are also initializers are weights', () => {
  const g = loadModel(encodeModel({
    name: 'legacy',
    input: [tensorInfo('x', FLOAT, [2]), tensorInfo('w', FLOAT, [2])],
    initializer: [floatTensor('w', [2], [5, 6])],
    node: [node('Add', ['x', 'w'], ['y'], 'add')],
    output: [tensorInfo('y', FLOAT, [2])],
  }));
  assert.deepEqual(g.inputs.map((i) => g.values[i].name), ['x']);
  assert.equal(valueNamed(g, 'w').kind, 'weight');
  assert.equal(valueNamed(g, 'y').kind, 'output');
});

test('random bytes are not an ONNX file', () => {
  let seed = 12345;
  const random = Uint8Array.from({ length: 4096 }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed >> 16 & 0xff;
  });
  assert.throws(() => loadModel(random, { name: 'noise' }), quiltError(/model 'noise': not an ONNX file/));
  assert.throws(() => loadModel(new Uint8Array(0)), quiltError(/not an ONNX file \(it is empty\)/));
  assert.throws(() => loadModel(Buffer.from('{"json": true}')), quiltError(/not an ONNX file/));
});

test('a truncated file says it is truncated', () => {
  const full = writeModel(loadModel(ifModel()));
  assert.throws(() => loadModel(full.subarray(0, Math.floor(full.length * 0.6))), quiltError(/truncated ONNX file \(field graph/));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-trunc-'));
  try {
    const file = path.join(dir, 'cut.onnx');
    fs.writeFileSync(file, full.subarray(0, full.length - 3));
    assert.throws(() => loadModel(file), quiltError(/cut\.onnx.*truncated ONNX file/));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => loadModel('/no/such/model.onnx'), quiltError(/cannot read model file '\/no\/such\/model\.onnx' \(ENOENT\)/));
});

test('a cycle is rejected, naming a node on it', () => {
  const bytes = encodeModel({
    name: 'cyclic',
    input: [tensorInfo('x', FLOAT, [2])],
    node: [node('Add', ['x', 'b'], ['a'], 'first'), node('Relu', ['a'], ['b'], 'second')],
    output: [tensorInfo('b', FLOAT, [2])],
  });
  assert.throws(() => loadModel(bytes), quiltError(/model 'bytes': graph 'cyclic' has a cycle through node '(first|second)'/));
});

test('a dangling input names the node and the value', () => {
  const bytes = encodeModel({
    name: 'dangling',
    input: [tensorInfo('x', FLOAT, [2])],
    node: [node('Relu', ['x'], ['h'], 'ok'), node('Add', ['h', 'ghost'], ['y'], 'haunted')],
    output: [tensorInfo('y', FLOAT, [2])],
  });
  assert.throws(() => loadModel(bytes), quiltError(/node 'haunted' \(Add\) reads 'ghost', which no input, initializer or node provides/));
  const implicit = encodeModel({
    name: 'dangling_branch',
    input: [tensorInfo('c', BOOL, [])],
    node: [node('If', ['c'], ['y'], 'branch', [
      { name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: { node: [node('Identity', ['nowhere'], ['t'], 'id')], output: [tensorInfo('t', FLOAT)] } },
      { name: 'else_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: { node: [node('Identity', ['nowhere'], ['e'], 'id2')], output: [tensorInfo('e', FLOAT)] } },
    ])],
    output: [tensorInfo('y', FLOAT)],
  });
  assert.throws(() => loadModel(implicit), quiltError(/node 'branch' \(If\) reads 'nowhere'/));
});

test('unknown operators load as they are', () => {
  const g = loadModel(encodeModel({
    name: 'custom',
    input: [tensorInfo('x', FLOAT, [2])],
    node: [{ ...node('FancyOp', ['x'], ['y'], 'fancy', [{ name: 'mode', type: onnx.AttributeProto.AttributeType.STRING, s: Buffer.from('fast') }]), domain: 'com.example' }],
    output: [tensorInfo('y', FLOAT, [2])],
  }));
  assert.equal(g.nodes[0].opType, 'FancyOp');
  assert.equal(g.nodes[0].domain, 'com.example');
  assert.deepEqual(g.nodes[0].attributes.get('mode'), { type: 'string', value: 'fast' });
});

test('nested subgraphs: implicit inputs and weights are followed to any depth', async () => {
  const innerThen: onnx.IGraphProto = {
    name: 'inner_then',
    node: [constantNode('deep_const', 'deep', floatTensor('', [2], [100, 100])), node('Add', ['mid', 'deep'], ['t2'], 'deep_add'),
      node('Add', ['t2', 'x'], ['t3'], 'deep_add_x')],
    output: [tensorInfo('t3', FLOAT, [2])],
  };
  const innerElse: onnx.IGraphProto = { name: 'inner_else', node: [node('Identity', ['mid'], ['e2'], 'inner_id')], output: [tensorInfo('e2', FLOAT, [2])] };
  const outerThen: onnx.IGraphProto = {
    name: 'outer_then',
    initializer: [floatTensor('one', [2], [1, 1])],
    node: [
      node('Add', ['x', 'one'], ['mid'], 'mid_add'),
      node('If', ['c'], ['t'], 'inner_if', [graphAttr('then_branch', innerThen), graphAttr('else_branch', innerElse)]),
    ],
    output: [tensorInfo('t', FLOAT, [2])],
  };
  const outerElse: onnx.IGraphProto = { name: 'outer_else', node: [node('Neg', ['x'], ['e'], 'neg')], output: [tensorInfo('e', FLOAT, [2])] };
  const g = loadModel(encodeModel({
    name: 'nested',
    input: [tensorInfo('c', BOOL, []), tensorInfo('x', FLOAT, [2])],
    node: [node('If', ['c'], ['y'], 'outer_if', [graphAttr('then_branch', outerThen), graphAttr('else_branch', outerElse)])],
    output: [tensorInfo('y', FLOAT, [2])],
  }));
  assert.deepEqual(g.nodes[0].implicitInputs.map((i) => g.values[i].name), ['x', 'c']);
  assert.equal(g.nodes[0].subgraphWeightBytes, 16);
  const out = await runOnce(writeModel(g), {
    c: new ort.Tensor('bool', Uint8Array.from([1]), []), x: new ort.Tensor('float32', Float32Array.from([1, 2]), [2]),
  });
  assert.deepEqual(out.y, [103, 105]);
});
