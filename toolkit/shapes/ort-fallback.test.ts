/** The onnxruntime fallback on ops with no static rule, and a cross-check of the static rules against ORT. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, floatAttr } from '../graph/builder';
import { Graph } from '../graph/graph';
import { loadModel } from '../onnx/load';
import { ifModel, loopModel } from '../onnx/fixtures';
import { resolveShapes } from './index';
import { compareWithOnnxRuntime, floatTensor, int64Tensor, shapeOf } from './testing';

test('NonZero (data-dependent) and an unknown op resolve through onnxruntime, and are reported', async () => {
  const b = new GraphBuilder('nonzero');
  const x = b.input('x', 'float32', ['n', 4]);
  const nz = b.op('NonZero', [x], {}, 'nz');
  const t = b.op('Transpose', [nz], {}, 't');
  b.output(b.op('Cast', [t], { to: 1 }, 'cast'));
  b.output(b.op('Relu', [x], {}, 'relu'));
  const g = await resolveShapes(b.finish(), { inputShapes: { x: [3, 4] } });
  assert.deepEqual(shapeOf(g, 'nz_out'), [2, 12], 'inputs are filled with ones: every element is non-zero');
  assert.equal(g.values[g.valueByName.get('nz_out') as number].dtype, 'int64');
  assert.deepEqual(shapeOf(g, 'cast_out'), [12, 2]);
  assert.equal(g.values[g.valueByName.get('cast_out') as number].bytes, 12 * 2 * 4);
  assert.deepEqual(g.resolution.fallbackValues, ['nz_out'], 'only the op with no rule runs; the rest resume statically');
  assert.deepEqual(g.resolution.fallbackNodes.map((n) => `${n.name}:${n.reason}`), ['nz:no-rule']);
  assert.deepEqual(shapeOf(g, 'relu_out'), [3, 4]);
});

test('TopK with a k computed from data resolves through onnxruntime', async () => {
  const b = new GraphBuilder('topk');
  const x = b.input('x', 'float32', [5, 6]);
  const k = b.op('Unsqueeze', [b.op('Cast', [b.op('ReduceMax', [x], { keepdims: 0 }, 'max')], { to: 7 }, 'k'), b.initializer('axes', int64Tensor([0]))], {}, 'k1');
  const [values, indices] = b.node('TopK', [x, k], { axis: 1 }, { name: 'topk', outputs: 2 });
  b.output(b.op('Relu', [values], {}, 'after'));
  b.output(indices);
  const g = await resolveShapes(b.finish());
  assert.deepEqual(shapeOf(g, 'topk_out'), [5, 1]);
  assert.deepEqual(shapeOf(g, 'topk_out1'), [5, 1]);
  assert.deepEqual(shapeOf(g, 'after_out'), [5, 1]);
  assert.deepEqual(g.resolution.fallbackNodes.map((n) => `${n.name}:${n.reason}`), ['topk:data-dependent'],
    'k is computed in the same run from the filled input (its small cone), so it is 1, not a filler 0');
});

test('control flow (If, Loop) from a loaded file resolves through onnxruntime', async () => {
  const withIf = await resolveShapes(loadModel(ifModel()));
  assert.deepEqual(shapeOf(withIf, 'y'), [2]);
  assert.deepEqual(withIf.resolution.fallbackValues, ['y']);
  const withLoop = await resolveShapes(loadModel(loopModel()));
  assert.deepEqual(shapeOf(withLoop, 'v_final'), [2]);
  assert.equal(withLoop.values[withLoop.valueByName.get('v_final') as number].bytes, 8);
  assert.deepEqual(withLoop.resolution.fallbackValues, ['v_final']);
});

function convNet(): Graph {
  const b = new GraphBuilder('conv-net');
  const w = (name: string, dims: number[]): string => b.initializer(name, floatTensor(dims, 0.01));
  const x = b.input('image', 'float32', ['batch', 3, 33, 31]);
  let h = b.op('Conv', [x, w('c1', [16, 3, 3, 3]), w('c1b', [16])], { pads: [1, 1, 1, 1], strides: [2, 2] }, 'conv1');
  h = b.op('BatchNormalization', [h, w('s', [16]), w('bb', [16]), w('m', [16]), b.initializer('v', floatTensor([16], 1))], {}, 'bn1');
  h = b.op('Relu', [h], {}, 'relu1');
  h = b.op('MaxPool', [h], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, 'pool1');
  const g1 = b.op('Conv', [h, w('c2', [32, 4, 3, 3])], { group: 4, auto_pad: 'SAME_UPPER', strides: [2, 1] }, 'grouped');
  const dw = b.op('Conv', [h, w('c3', [16, 1, 3, 3])], { group: 16, dilations: [2, 2], pads: [2, 2, 2, 2] }, 'depthwise');
  const up = b.op('ConvTranspose', [g1, w('ct', [32, 16, 2, 2])], { strides: [2, 1], kernel_shape: [2, 2], pads: [0, 0, 0, 1] }, 'deconv');
  const cat = b.op('Concat', [up, dw], { axis: 1 }, 'cat');
  const [s1, s2] = b.node('Split', [cat, b.initializer('sizes', int64Tensor([8, 24]))], { axis: 1 }, { name: 'split', outputs: 2 });
  const padded = b.op('Pad', [s1, b.initializer('pads', int64Tensor([0, 0, 1, 2, 0, 0, 0, 1]))], {}, 'pad');
  const avg = b.op('AveragePool', [padded], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, 'avg');
  const resized = b.op('Resize', [avg, '', '', b.initializer('sz', int64Tensor([1, 8, 10, 9]))], { mode: 'nearest' }, 'resize');
  const clipped = b.op('Clip', [s2, b.initializer('lo', floatTensor([], 0)), b.initializer('hi', floatTensor([], 6))], {}, 'clip');
  const pooled = b.op('GlobalAveragePool', [clipped], {}, 'gap');
  const flat = b.op('Flatten', [pooled], {}, 'flatten');
  const fc = b.op('Gemm', [flat, w('fc', [10, 24]), w('fcb', [10])], { transB: 1 }, 'fc');
  b.output(b.op('Softmax', [fc], { axis: -1 }, 'softmax'));
  b.output(b.op('ReduceMean', [resized], { axes: [2, 3], keepdims: 1 }, 'mean'));
  return b.finish();
}

function attentionBlock(): Graph {
  const b = new GraphBuilder('attention', [{ domain: '', version: 18 }]);
  const hidden = 32;
  const heads = 4;
  const w = (name: string, dims: number[]): string => b.initializer(name, floatTensor(dims, 0.02));
  const i64 = (name: string, v: number[], dims?: number[]): string => b.initializer(name, int64Tensor(v, dims));
  const ids = b.input('input_ids', 'int64', ['batch', 'seq']);
  const x = b.op('Gather', [w('embed', [50, hidden]), ids], {}, 'embed');
  const shape = b.op('Shape', [x], {}, 'shape');
  const batch = b.op('Unsqueeze', [b.op('Gather', [shape, i64('i0', [0], [])], {}, 'batch'), i64('a0', [0])], {}, 'ub');
  const seq = b.op('Unsqueeze', [b.op('Gather', [shape, i64('i1', [1], [])], {}, 'seq'), i64('a1', [0])], {}, 'us');
  const headShape = b.op('Concat', [batch, seq, i64('h', [heads]), i64('d', [-1])], { axis: 0 }, 'head_shape');
  const project = (name: string): string => {
    const p = b.op('Add', [b.op('MatMul', [x, w(`${name}_w`, [hidden, hidden])], {}, `${name}_mm`), w(`${name}_b`, [hidden])], {}, `${name}_proj`);
    return b.op('Transpose', [b.op('Reshape', [p, headShape], {}, `${name}_split`)], { perm: [0, 2, 1, 3] }, `${name}_heads`);
  };
  const [q, k, v] = [project('q'), project('k'), project('v')];
  const kt = b.op('Transpose', [k], { perm: [0, 1, 3, 2] }, 'kt');
  const scores = b.op('Div', [b.op('MatMul', [q, kt], {}, 'qk'), b.initializer('scale', floatTensor([], 2.83))], {}, 'scaled');
  const positions = b.op('Range', [i64('r0', [0], []), b.op('Squeeze', [seq, i64('a2', [0])], {}, 'seq_scalar'), i64('r1', [1], [])], {}, 'positions');
  const causal = b.op('Less', [b.op('Unsqueeze', [positions, i64('a3', [1])], {}, 'rows'), positions], {}, 'causal');
  const masked = b.op('Where', [causal, b.op('ConstantOfShape', [b.op('Shape', [scores], {}, 'score_shape')], {}, 'zeros'), scores], {}, 'masked');
  const probs = b.op('Softmax', [masked], { axis: -1 }, 'probs');
  const ctx = b.op('Transpose', [b.op('MatMul', [probs, v], {}, 'ctx')], { perm: [0, 2, 1, 3] }, 'ctx_t');
  const merged = b.op('Reshape', [ctx, b.op('Concat', [batch, seq, i64('hd', [hidden])], { axis: 0 }, 'merge_shape')], {}, 'merge');
  const res = b.op('Add', [merged, x], {}, 'residual');
  const ln = b.op('LayerNormalization', [res, w('ln_g', [hidden]), w('ln_b', [hidden])], { axis: -1, epsilon: floatAttr(1e-5) }, 'ln');
  const up = b.op('MatMul', [ln, w('ff1', [hidden, 4 * hidden])], {}, 'ff1');
  const gelu = b.op('Mul', [up, b.op('Erf', [b.op('Div', [up, b.initializer('sqrt2', floatTensor([], 1.414))], {}, 'gdiv')], {}, 'erf')], {}, 'gelu');
  const down = b.op('MatMul', [gelu, w('ff2', [4 * hidden, hidden])], {}, 'ff2');
  const [first, rest] = b.node('Split', [down], { axis: 1, num_outputs: 2 }, { name: 'halves', outputs: 2 });
  b.output(b.op('ReduceSum', [b.op('Concat', [rest, first], { axis: 1 }, 'swap'), i64('a4', [-1])], { keepdims: 0 }, 'sum'));
  return b.finish();
}

/** Pools whose ceil_mode would start a last window inside the end padding (that window is dropped). */
function poolEdges(): Graph {
  const b = new GraphBuilder('pool-edges');
  const x = b.input('x', 'float32', [1, 2, 7, 6]);
  b.output(b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }, 'max_ceil'));
  b.output(b.op('AveragePool', [x], { kernel_shape: [3, 2], strides: [3, 3], pads: [1, 0, 1, 1], ceil_mode: 1 }, 'avg_ceil'));
  b.output(b.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], dilations: [2, 1], ceil_mode: 1 }, 'dilated_ceil'));
  b.output(b.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_LOWER' }, 'same_lower'));
  b.output(b.op('AveragePool', [x], { kernel_shape: [2, 3], auto_pad: 'VALID', strides: [1, 2] }, 'valid'));
  return b.finish();
}

for (const [name, build, inputShapes] of [
  ['pools at the ceil_mode edge', poolEdges, {}],
  ['a small conv net', convNet, { image: [2, 3, 33, 31] }],
  ['a small attention block', attentionBlock, { input_ids: [2, 7] }],
] as const) {
  test(`every intermediate of ${name} has the dims and dtype onnxruntime produces`, async () => {
    const graph = build();
    const resolved = await resolveShapes(graph, { inputShapes, fallback: 'none' });
    const { checked, mismatches } = await compareWithOnnxRuntime(resolved, graph);
    assert.ok(checked >= 5, `only ${checked} values checked`);
    assert.deepEqual(mismatches, []);
  });
}
