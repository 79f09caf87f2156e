/**
 * fp16-as-fp32 (runtime-memory.ts): the CPU provider computes a float16 network in float32, Convs on the NCHWc path.
 * On the fp16 segmentation fixture (onnx/memory-fixtures.ts): no im2col buffer for its 3x3 Convs (they are blocked,
 * not expanded: counting the expansion over-predicted the measured memory 1.9x), float16 activations at float32
 * size, float16 weights held converted, and a Resize with Resize's default coordinates does not keep the layout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fp16SegNet } from '../onnx/memory-fixtures';
import { resolveShapesStatic } from '../shapes/resolve';
import { RuntimeMemoryModel, activationBytes, blockedOrigins, convWorkspaceBytes, takesNchwc, weightLayoutBytes } from './runtime-memory';
import { fileOrder } from '../graph/order';

const CPU: RuntimeMemoryModel = {
  name: 'test', inPlace: true, feedsLiveToEnd: true, nchwcBlock: 8, im2col: true, prepack: true, fp16AsFloat32: true, threads: 1, sessionBytes: 0,
};
const WITHOUT: RuntimeMemoryModel = { ...CPU, fp16AsFloat32: false };

test('fp16 as fp32: blocked Convs without im2col, activations and weights at float32 size', () => {
  const graph = resolveShapesStatic(fp16SegNet(64));
  const convs = graph.nodes.filter((n) => n.opType === 'Conv');
  assert.ok(convs.length >= 5);
  for (const c of convs) {
    assert.equal(takesNchwc(graph, c, CPU), true, c.name);
    assert.equal(convWorkspaceBytes(graph, c, CPU), 0, c.name);
    assert.ok(convWorkspaceBytes(graph, convs[1], WITHOUT) > 0, 'without the term the fp16 Conv is expanded (the negative case)');
  }
  const e1 = graph.values[graph.valueByName.get('e1_relu_out') as number];
  assert.equal(e1.dtype, 'float16');
  assert.equal(activationBytes(graph, e1.index, CPU), 2 * e1.bytes);
  assert.equal(activationBytes(graph, e1.index, WITHOUT), e1.bytes);
  const image = graph.values[graph.inputs[0]];
  assert.equal(activationBytes(graph, image.index, CPU), image.bytes, 'a graph input stays the caller\'s buffer');
  const w = graph.values[graph.valueByName.get('e2_w') as number];
  assert.equal(weightLayoutBytes(graph, w.index, CPU), 2 * w.bytes, '32 output channels: a multiple of the block, float32 size');
  const origins = blockedOrigins(graph, fileOrder(graph), CPU);
  assert.ok(origins[graph.valueByName.get('e3_relu_out') as number] >= 0, 'the Conv blocks its output');
  assert.equal(origins[graph.valueByName.get('d3_up_out') as number], -1, 'a half_pixel Resize reads NCHW (reordered back first)');
});

test('a ConvTranspose holds its column buffer while it runs: C_out/group x kernel x input spatial floats', async () => {
  const { dbnetLike } = await import('../onnx/memory-fixtures');
  const graph = resolveShapesStatic(dbnetLike(160));
  const up1 = graph.nodes.find((n) => n.name === 'up1');
  assert.ok(up1 !== undefined);
  // up1: 16 -> 16 channels, 2x2 kernel, input 40 x 40 (a quarter of 160)
  assert.equal(convWorkspaceBytes(graph, up1, CPU), 16 * 2 * 2 * 40 * 40 * 4);
  assert.equal(convWorkspaceBytes(graph, up1, { ...CPU, im2col: false }), 0);
});
