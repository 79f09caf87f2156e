/**
 * One small model per class of published model that once failed here (see issue 10), so that CI covers each:
 *  - branchOnSampleRate: an integer input that selects an If branch (only sr == 16000 takes one that works);
 *  - fp16Mlp: fp16 activations between float32 input and output (task boundaries round cut tensors to fp16);
 *  - dynamicQuantConv: DynamicQuantizeLinear -> ConvInteger -> rescale, as dynamic quantization writes them;
 *  - constantsFirst: a converter's layout where every Constant node comes before the first compute node.
 * Weights are seeded, so every build gives the same bytes.
 */
import { onnx } from 'onnx-proto';
import { GraphBuilder } from '../graph/builder';
import { Graph, TensorData, elementCount } from '../graph/graph';
import { createRng } from '../core/prng';
import { toHalfBits } from '../graph/half';
import { FLOAT, INT64, encodeModel, graphAttr, node, tensorInfo } from './fixtures';

/**
 * Inputs `sr` (int64 scalar) and `x` (float32 [4]); y = Relu(x) reshaped to [2, 2] when sr == 16000; the other
 * branch gathers index 7 of the 4 elements, which fails when it runs (as a real model's unsupported rate would).
 */
export function branchOnSampleRate(): Uint8Array {
  const ints = (name: string, values: number[]): onnx.ITensorProto => ({
    name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer),
  });
  const branch = (name: string, op: 'Reshape' | 'Gather', values: number[]): onnx.IGraphProto => ({
    name,
    initializer: [ints(`${name}_arg`, values)],
    node: [node(op, ['rx', `${name}_arg`], [`${name}_y`], `${name}_${op.toLowerCase()}`)],
    output: [tensorInfo(`${name}_y`, FLOAT)],
  });
  return encodeModel({
    name: 'branch_on_sample_rate',
    input: [tensorInfo('sr', INT64, []), tensorInfo('x', FLOAT, [4])],
    initializer: [{ name: 'rate', dims: [], dataType: INT64, rawData: new Uint8Array(new BigInt64Array([16000n]).buffer) }],
    node: [
      node('Relu', ['x'], ['rx'], 'relu'),
      node('Equal', ['sr', 'rate'], ['is_16k'], 'is_16k'),
      node('If', ['is_16k'], ['y'], 'by_rate', [graphAttr('then_branch', branch('then', 'Reshape', [2, 2])), graphAttr('else_branch', branch('else', 'Gather', [7]))]),
      node('Tanh', ['y'], ['out'], 'tanh'),
    ],
    output: [tensorInfo('out', FLOAT)],
  });
}

/** Seeded uniform values in [-scale, scale), float32 or rounded to float16. */
export function seededTensor(dtype: 'float32' | 'float16', dims: readonly number[], seed: number, scale: number): TensorData {
  const rng = createRng(seed);
  const n = elementCount(dims);
  const xs = Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
  if (dtype === 'float32') return { dtype, dims, bytes: new Uint8Array(xs.buffer) };
  return { dtype, dims, bytes: new Uint8Array(Uint16Array.from(xs, toHalfBits).buffer) };
}

/** x float32 [batch, 64] -> Cast fp16 -> four (MatMul + Add + Tanh) layers in fp16 -> Cast float32 [batch, 16]. */
export function fp16Mlp(batch = 4): Graph {
  const b = new GraphBuilder('fp16_mlp');
  let h = b.op('Cast', [b.input('x', 'float32', [batch, 64])], { to: 10 }, 'to_fp16');
  const widths = [64, 128, 128, 64, 16];
  for (let i = 0; i < 4; i++) {
    const w = b.initializer(`w${i}`, seededTensor('float16', [widths[i], widths[i + 1]], 11 + i, 1 / Math.sqrt(widths[i])));
    const bias = b.initializer(`b${i}`, seededTensor('float16', [widths[i + 1]], 31 + i, 0.1));
    h = b.op('Tanh', [b.op('Add', [b.op('MatMul', [h, w], {}, `mm${i}`), bias], {}, `add${i}`)], {}, `act${i}`);
  }
  b.output(b.op('Cast', [h], { to: 1 }, 'to_fp32'));
  return b.finish();
}

/** image float32 [batch, 3, side, side] -> two dynamically quantized convolutions (uint8 x int8 -> int32) with rescaling and Relu. */
export function dynamicQuantConv(batch = 1, side = 16): Graph {
  const b = new GraphBuilder('dynamic_quant_conv');
  let h = b.input('image', 'float32', [batch, 3, side, side]);
  const channels = [3, 8, 8];
  for (let i = 0; i < 2; i++) {
    const [q, scale, zero] = b.node('DynamicQuantizeLinear', [h], {}, { name: `dq${i}`, outputs: 3 });
    const w = int8Weight([channels[i + 1], channels[i], 3, 3], 5 + i);
    const acc = b.op('ConvInteger', [q, b.initializer(`w${i}`, w), zero], { pads: [1, 1, 1, 1] }, `conv${i}`);
    const wScale = b.initializer(`w${i}_scale`, { dtype: 'float32', dims: [], bytes: new Uint8Array(new Float32Array([0.01]).buffer) });
    const rescaled = b.op('Mul', [b.op('Cast', [acc], { to: 1 }, `cast${i}`), b.op('Mul', [scale, wScale], {}, `scale${i}`)], {}, `rescale${i}`);
    h = b.op('Relu', [rescaled], {}, `relu${i}`);
  }
  b.output(b.op('GlobalAveragePool', [h], {}, 'pool'));
  return b.finish();
}

function int8Weight(dims: readonly number[], seed: number): TensorData {
  const rng = createRng(seed);
  const n = elementCount(dims);
  return { dtype: 'int8', dims, bytes: new Uint8Array(Int8Array.from({ length: n }, () => Math.floor(rng.next() * 255) - 127).buffer) };
}

/** x float32 [2, 8]: every weight is a Constant node, and all of them come first (as some converters write). */
export function constantsFirst(): Graph {
  const b = new GraphBuilder('constants_first');
  const x = b.input('x', 'float32', [2, 8]);
  const w1 = b.constant('w1', seededTensor('float32', [8, 8], 3, 0.3));
  const w2 = b.constant('w2', seededTensor('float32', [8, 4], 4, 0.3));
  const shape = b.constant('shape', { dtype: 'int64', dims: [2], bytes: new Uint8Array(new BigInt64Array([4n, 2n]).buffer) });
  const h = b.op('Relu', [b.op('MatMul', [x, w1], {}, 'mm1')], {}, 'relu');
  b.output(b.op('Reshape', [b.op('MatMul', [h, w2], {}, 'mm2'), shape], {}, 'reshape'));
  return b.finish();
}
