import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { ShapedGraph } from '../graph/graph';
import { bytesTensor, shapeGraph } from './test-support';
import { fileOrder } from '../graph/order';
import { resolveShapesStatic } from '../shapes/resolve';
import {
  LIVENESS_ONLY, RuntimeMemoryModel, blockedOrigins, convWorkspaceBytes, inPlaceCredit, isPrepackedRead, reorderInBytes, startsNchwc, takesNchwc,
  weightLayoutBytes,
} from './runtime-memory';

const CPU: RuntimeMemoryModel = { name: 'test', inPlace: true, feedsLiveToEnd: true, nchwcBlock: 1, im2col: true, prepack: true, threads: 2, sessionBytes: 0 };

function floats(dims: number[]) {
  const n = dims.reduce((a, b) => a * b, 1);
  return { dtype: 'float32' as const, dims, bytes: new Uint8Array(n * 4) };
}

/** x [batch, cin, 8, 8] -> Conv(w [cout, cin/group, k, k], stride, pad) -> y, shapes stated by hand. */
function conv(batch: number, cin: number, cout: number, k: number, group = 1, stride = 1): ShapedGraph {
  const b = new GraphBuilder('conv');
  b.input('x', 'float32', [batch, cin, 8, 8]);
  b.initializer('w', floats([cout, cin / group, k, k]));
  b.initializer('bias', floats([cout]));
  const pad = (k - 1) >> 1;
  b.output(b.op('Conv', ['x', 'w', 'bias'], { group, strides: [stride, stride], pads: [pad, pad, pad, pad] }, 'conv'));
  const g = b.finish();
  const out = 8 / stride;
  const values = g.values.map((v) => {
    const shape = v.name === 'conv_out' ? [batch, cout, out, out] : (v.shape as number[]);
    return { ...v, dtype: 'float32' as const, shape, bytes: shape.reduce((a, c) => a * c, 1) * 4 };
  });
  return { ...g, values };
}

test('im2col: a 3x3 conv at batch 1 expands C_in * 9 * H_out * W_out floats; a 1x1 stride-1 conv needs none', () => {
  const g = conv(1, 16, 32, 3);
  assert.equal(convWorkspaceBytes(g, g.nodes[0], CPU), 16 * 9 * 8 * 8 * 4);
  const strided = conv(1, 16, 32, 3, 1, 2);
  assert.equal(convWorkspaceBytes(strided, strided.nodes[0], CPU), 16 * 9 * 4 * 4 * 4);
  const pointwise = conv(1, 16, 32, 1);
  assert.equal(convWorkspaceBytes(pointwise, pointwise.nodes[0], CPU), 0);
});

test('im2col: batch > 1 or groups expand per thread in segments of 128 x 128 floats', () => {
  const batched = conv(4, 16, 32, 3);
  assert.equal(convWorkspaceBytes(batched, batched.nodes[0], CPU), 2 * 128 * 128 * 4);
  const grouped = conv(1, 16, 32, 3, 2);
  assert.equal(convWorkspaceBytes(grouped, grouped.nodes[0], { ...CPU, threads: 1 }), 128 * 128 * 4);
});

test('nchwc: convs it takes need no im2col, and their filters round the output channels up to the block', () => {
  const blocked = { ...CPU, nchwcBlock: 16 };
  const g = conv(1, 16, 24, 3);
  assert.equal(takesNchwc(g, g.nodes[0], blocked), true);
  assert.equal(convWorkspaceBytes(g, g.nodes[0], blocked), 0);
  const w = g.valueByName.get('w')!;
  assert.equal(weightLayoutBytes(g, w, blocked), 32 * 16 * 9 * 4);
  assert.equal(weightLayoutBytes(g, g.valueByName.get('bias')!, blocked), 32 * 4);
  assert.equal(weightLayoutBytes(g, w, CPU), 24 * 16 * 9 * 4, 'no block: stored as is');
  const grouped = conv(1, 16, 32, 3, 2);
  assert.equal(takesNchwc(grouped, grouped.nodes[0], blocked), false, 'grouped but not depthwise stays on im2col');
  const depthwise = conv(1, 16, 16, 3, 16);
  assert.equal(takesNchwc(depthwise, depthwise.nodes[0], blocked), true);
});

/** x(100) -> Relu -> a(100) -> Relu -> b(100) -> Mul(b, x) -> y(100) output. */
function reluChain(): ShapedGraph {
  const b = new GraphBuilder('relus');
  b.input('x', 'uint8', [100]);
  const a = b.op('Relu', ['x'], {}, 'r1');
  const c = b.op('Relu', [a], {}, 'r2');
  b.output(b.op('Mul', [c, 'x'], {}, 'm'));
  return shapeGraph(b.finish(), { r1_out: 100, r2_out: 100, m_out: 100 });
}

test('in place: an element-wise node reuses a same-size input that dies there, never a graph input nor into a graph output', () => {
  const g = reluChain();
  const id = (name: string) => g.valueByName.get(name)!;
  assert.deepEqual(inPlaceCredit(g, g.nodes[1], [id('r1_out')], CPU), { bytes: 100, source: id('r1_out') }, 'r2 writes into r1\'s buffer');
  assert.equal(inPlaceCredit(g, g.nodes[1], [], CPU).bytes, 0, 'nothing dies: no reuse');
  assert.equal(inPlaceCredit(g, g.nodes[0], [id('x')], CPU).bytes, 0, 'x is the caller\'s buffer');
  assert.equal(inPlaceCredit(g, g.nodes[2], [id('r2_out')], CPU).bytes, 0, 'the graph output gets a buffer of its own');
  assert.equal(inPlaceCredit(g, g.nodes[1], [id('r1_out')], LIVENESS_ONLY).bytes, 0, 'off in the bare model');
});

test('in place: a BatchNormalization only after a Conv (fused into it); after anything else it gets its own buffer', () => {
  const b = new GraphBuilder('bn');
  b.input('x', 'uint8', [100]);
  b.initializer('w', bytesTensor(4));
  const conv = b.op('Conv', ['x', 'w'], {}, 'conv');
  const bn1 = b.op('BatchNormalization', [conv, 'w', 'w', 'w', 'w'], {}, 'bn1');
  const cat = b.op('Concat', [bn1], { axis: 0 }, 'cat');
  const bn2 = b.op('BatchNormalization', [cat, 'w', 'w', 'w', 'w'], {}, 'bn2');
  b.output(b.op('Relu', [bn2], {}, 'relu'));
  const g = shapeGraph(b.finish(), { conv_out: 100, bn1_out: 100, cat_out: 100, bn2_out: 100, relu_out: 100 });
  const id = (name: string) => g.valueByName.get(name)!;
  assert.equal(inPlaceCredit(g, g.nodes[1], [id('conv_out')], CPU).bytes, 100, 'after the Conv: fused, no buffer');
  assert.equal(inPlaceCredit(g, g.nodes[3], [id('cat_out')], CPU).bytes, 0, 'after a Concat: a buffer of its own (neither is a graph output)');
});

test('nchwc pools: a MaxPool on channels that are a multiple of the block starts the blocked layout; an image does not', () => {
  const build = (channels: number) => {
    const b = new GraphBuilder('pool');
    b.input('x', 'float32', [1, channels, 8, 8]);
    b.output(b.op('MaxPool', ['x'], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool'), 'float32', [1, channels, 4, 4]);
    return resolveShapesStatic(b.finish());
  };
  const blocked: RuntimeMemoryModel = { ...CPU, nchwcBlock: 16 };
  const g = build(32);
  assert.equal(startsNchwc(g, g.nodes[0], blocked), true);
  assert.equal(reorderInBytes(g, g.nodes[0], g.valueByName.get('x')!, blocked), 32 * 64 * 4);
  assert.deepEqual(blockedOrigins(g, fileOrder(g), blocked)[g.nodes[0].outputs[0]], 0);
  const image = build(3);
  assert.equal(startsNchwc(image, image.nodes[0], blocked), false, 'negative check: 3 channels stay NCHW');
  assert.equal(startsNchwc(g, g.nodes[0], CPU), false, 'negative check: no blocking without a block');
});

test('prepack: only the B operand of Gemm and MatMul', () => {
  const b = new GraphBuilder('gemm');
  b.input('ids', 'int64', [4]);
  b.initializer('table', bytesTensor(64));
  const e = b.op('Gather', ['table', 'ids'], {}, 'gather');
  b.output(b.op('Gemm', [e, 'table'], { transB: 1 }, 'head'));
  const g = shapeGraph(b.finish(), { gather_out: 16, head_out: 16 });
  const table = g.valueByName.get('table')!;
  assert.equal(isPrepackedRead(g.nodes[1], table, CPU), true);
  assert.equal(isPrepackedRead(g.nodes[0], table, CPU), false);
  assert.equal(isPrepackedRead(g.nodes[1], table, LIVENESS_ONLY), false);
});
