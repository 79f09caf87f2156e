/** Demand under the GPU rules (memory/gpu-runtime-memory.ts): hand-built answers, and where they differ from the CPU's. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { fileOrder } from '../graph/order';
import { cpuRuntimeMemory } from '../runtime/cpu-memory-model';
import { bytesTensor, shapeGraph } from '../memory/test-support';
import { CUDA_ALIAS_OPS, CUDA_MAY_INPLACE_OPS, gpuRuntimeMemory } from '../memory/gpu-runtime-memory';
import { LIVENESS_ONLY } from '../memory/runtime-memory';
import { demandModel, rangeDemand } from './demand';

/** x(128) -> Conv c(192) -> `act` a(192) -> Reshape f(192) -> MatMul y(20) output. */
function net(act: string) {
  const b = new GraphBuilder('net');
  b.input('x', 'uint8', [128]);
  b.initializer('w', bytesTensor(216));
  b.initializer('shape', bytesTensor(16));
  b.initializer('m', bytesTensor(960));
  const c = b.op('Conv', ['x', 'w'], {}, 'conv');
  const a = b.op(act, [c], {}, 'act');
  const f = b.op('Reshape', [a, 'shape'], {}, 'reshape');
  b.output(b.op('MatMul', [f, 'm'], {}, 'matmul'));
  return shapeGraph(b.finish(), { conv_out: 192, act_out: 192, reshape_out: 192, matmul_out: 20 });
}

const peak = (g: ReturnType<typeof net>, rt = LIVENESS_ONLY) => rangeDemand(demandModel(g, fileOrder(g), rt), 0, g.nodes.length).peakActivationBytes;

test('gpu rules: Relu runs in place, Reshape aliases its input, the feed is held to the end', () => {
  const g = net('Relu');
  // liveness: x+c 320 | c+a 384 | a+f 384 | f+y 212 -> 384.
  assert.equal(peak(g), 384);
  // gpu: x is held to the end (128 every step); a reuses c, f aliases a: 320 | 320 | 320 | 128+192+20 = 340.
  assert.equal(peak(g, gpuRuntimeMemory({ name: 'test' })), 340);
});

test('gpu rules: Clip is not in place on the CUDA provider (it is on the CPU provider), Add neither', () => {
  const g = net('Clip');
  // gpu: step 1 holds x, c and a: 128 + 192 + 192 = 512.
  assert.equal(peak(g, gpuRuntimeMemory({ name: 'test' })), 512);
  // cpu: Clip writes into c: 320 | 320 | 320 | 340.
  assert.equal(peak(g, cpuRuntimeMemory({ threads: 1 })), 340);
  assert.ok(!CUDA_MAY_INPLACE_OPS.has('Clip') && !CUDA_MAY_INPLACE_OPS.has('Add') && !CUDA_ALIAS_OPS.has('Transpose'));
});

test('gpu rules: the context is shown, not paid; a simulated CPU (no device memory) keeps the liveness definition', () => {
  const g = net('Relu');
  const rt = gpuRuntimeMemory({ name: 'sim:h200', contextBytes: 552402944 });
  assert.equal(rt.contextBytes, 552402944);
  const whole = rangeDemand(demandModel(g, fileOrder(g), rt), 0, g.nodes.length);
  assert.equal(whole.demandBytes, 216 + 16 + 960 + 340);
  assert.equal(gpuRuntimeMemory({ name: 'sim:cpu-here', none: true }), LIVENESS_ONLY);
});
