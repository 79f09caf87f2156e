/** Shapes of the model classes that once failed (onnx/class-fixtures.ts), statically and through the fallback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { QuiltError } from '../core/errors';
import { loadModel } from '../onnx/load';
import { branchOnSampleRate, constantsFirst, dynamicQuantConv, fp16Mlp } from '../onnx/class-fixtures';
import { resolveShapes } from './index';
import { compareWithOnnxRuntime, dtypeOf, floatTensor, shapeOf } from './testing';

test('an integer input that selects an If branch: its given value picks the branch', async () => {
  const g = await resolveShapes(loadModel(branchOnSampleRate()), { inputValues: { sr: [16000] } });
  assert.deepEqual(shapeOf(g, 'out'), [2, 2]);
  assert.deepEqual(g.resolution.fallbackNodes.map((n) => n.opType), ['If'], 'only the If runs in onnxruntime');
});

test('without a value the filled 0 takes the failing branch, and the error names the input to give', async () => {
  await assert.rejects(resolveShapes(loadModel(branchOnSampleRate())), (e: unknown) => e instanceof QuiltError
    && /node 'by_rate' \(If\)/.test(e.message) && /integer input 'sr' decides an If.*--input-value sr=<v>/.test(e.message));
});

test('a given value of the wrong type or count is a QuiltError naming the input', async () => {
  await assert.rejects(resolveShapes(loadModel(branchOnSampleRate()), { inputValues: { sr: [16000.5] } }), /--input-value sr: 16000.5 is not a valid int64 value/);
  await assert.rejects(resolveShapes(loadModel(branchOnSampleRate()), { inputValues: { x: [1, 2, 3] } }), /--input-value x: 3 values for a tensor of 4 elements/);
  await assert.rejects(resolveShapes(loadModel(branchOnSampleRate()), { inputValues: { rate: [1] } }), /value given for 'rate', which is not an input/);
});

test('fp16 activations are shaped statically with their dtype, as onnxruntime has them', async () => {
  const graph = fp16Mlp(3);
  const g = await resolveShapes(graph, { fallback: 'none' });
  assert.equal(dtypeOf(g, 'act2_out'), 'float16');
  assert.equal(g.values[g.valueByName.get('act2_out') as number].bytes, 3 * 64 * 2);
  assert.deepEqual((await compareWithOnnxRuntime(g, graph)).mismatches, []);
});

test('dynamic quantization (DynamicQuantizeLinear, ConvInteger) is shaped statically and matches onnxruntime', async () => {
  const graph = dynamicQuantConv(2, 12);
  const g = await resolveShapes(graph, { fallback: 'none' });
  assert.equal(dtypeOf(g, 'dq0_out'), 'uint8');
  assert.deepEqual(shapeOf(g, 'dq0_out1'), []);
  assert.equal(dtypeOf(g, 'conv1_out'), 'int32');
  assert.deepEqual(shapeOf(g, 'conv1_out'), [2, 8, 12, 12]);
  const { checked, mismatches } = await compareWithOnnxRuntime(g, graph);
  assert.ok(checked >= 10);
  assert.deepEqual(mismatches, []);
});

test('static quantization ops (Quantize/DequantizeLinear, QLinearConv, QLinearMatMul, MatMulInteger) match onnxruntime', async () => {
  const b = new GraphBuilder('qlinear');
  const u8 = (name: string, dims: number[], v: number) => b.initializer(name, { dtype: 'uint8', dims, bytes: new Uint8Array(dims.reduce((a, d) => a * d, 1)).fill(v) });
  const f = (name: string, v: number) => b.initializer(name, floatTensor([], v));
  const x = b.input('x', 'float32', [1, 4, 6, 6]);
  const q = b.op('QuantizeLinear', [x, f('s', 0.1), u8('z', [], 128)], {}, 'q');
  const conv = b.op('QLinearConv', [q, f('s1', 0.1), u8('z1', [], 128), u8('w', [8, 4, 3, 3], 130), f('ws', 0.01), u8('wz', [], 128), f('ys', 0.2), u8('yz', [], 128)], { strides: [2, 2] }, 'qconv');
  const flat = b.op('Reshape', [conv, b.initializer('flat', { dtype: 'int64', dims: [2], bytes: new Uint8Array(new BigInt64Array([1n, 32n]).buffer) })], {}, 'flat');
  const mm = b.op('QLinearMatMul', [flat, f('as', 0.2), u8('az', [], 128), u8('m', [32, 5], 129), f('ms', 0.01), u8('mz', [], 128), f('os', 0.3), u8('oz', [], 128)], {}, 'qmm');
  b.output(b.op('DequantizeLinear', [mm, f('ds', 0.3), u8('dz', [], 128)], {}, 'dq'));
  b.output(b.op('MatMulInteger', [flat, u8('m2', [32, 3], 1)], {}, 'mmi'));
  const graph = b.finish();
  const g = await resolveShapes(graph, { fallback: 'none' });
  assert.deepEqual(shapeOf(g, 'qconv_out'), [1, 8, 2, 2]);
  assert.equal(dtypeOf(g, 'qmm_out'), 'uint8');
  assert.equal(dtypeOf(g, 'dq_out'), 'float32');
  assert.equal(dtypeOf(g, 'mmi_out'), 'int32');
  assert.deepEqual((await compareWithOnnxRuntime(g, graph)).mismatches, []);
});

test('with static rules switched off the fallback alone gives the same shapes', async () => {
  const graph = dynamicQuantConv(1, 10);
  const ruled = await resolveShapes(graph, { fallback: 'none' });
  const off = await resolveShapes(graph, { staticRules: false });
  assert.deepEqual(off.values.map((v) => `${v.dtype}[${v.shape}]`), ruled.values.map((v) => `${v.dtype}[${v.shape}]`));
  assert.ok(off.resolution.fallbackRuns >= 1);
  assert.equal(off.resolution.fallbackValues.length, graph.values.filter((v) => v.producer >= 0).length);
  assert.equal(ruled.resolution.fallbackRuns, 0);
});

test("a converter's layout with every Constant first is shaped statically", async () => {
  const g = await resolveShapes(constantsFirst(), { fallback: 'none' });
  assert.deepEqual(shapeOf(g, 'reshape_out'), [4, 2]);
  assert.equal(g.values[g.valueByName.get('w1') as number].kind, 'weight');
});
