/**
 * Convolutional building blocks shared by the CNNs: convolution with batch normalization folded in, ReLU and
 * ReLU6, pooling, a stand-alone BatchNormalization, and the pooled classifier head.
 *
 * Batch normalization that follows a convolution is folded into the convolution's weights and bias, as an
 * eval-mode ONNX export does: the node is one Conv with a bias of `cout` elements in place of BN's four
 * per-channel vectors. Batch normalization that follows anything else (DenseNet's pre-activation) stays a
 * BatchNormalization node with scale, bias, mean and variance.
 *
 * Weights are drawn uniformly with standard deviation gain / sqrt(fan_in): gain sqrt(2) (He) before a ReLU keeps
 * activations' scale roughly constant from layer to layer, so a randomly initialized network gives finite,
 * varied outputs. Biases are small.
 */
import { NetBuilder } from './net';

export const HE_GAIN = Math.SQRT2;
const BIAS_BOUND = 0.01;

export interface ConvOptions {
  stride?: number;
  /** Symmetric padding: one number for both axes, or [padH, padW]. */
  pad?: number | readonly [number, number];
  group?: number;
  /** Standard deviation of the weights times sqrt(fan_in); default He (sqrt 2). */
  gain?: number;
  /** Whether the Conv has a bias input; default true. */
  bias?: boolean;
}

/** Uniform bound for a given standard deviation. */
export function boundForStd(std: number): number {
  return std * Math.sqrt(3);
}

/** A Conv node named `name`; weights are `<name>.weight` [cout, cin/group, kh, kw] and `<name>.bias` [cout]. */
export function conv(
  net: NetBuilder, name: string, x: string, cin: number, cout: number,
  kernel: number | readonly [number, number], options: ConvOptions = {},
): string {
  const [kh, kw] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
  const [ph, pw] = typeof options.pad === 'object' ? options.pad : [options.pad ?? 0, options.pad ?? 0];
  const group = options.group ?? 1;
  const stride = options.stride ?? 1;
  const fanIn = (cin / group) * kh * kw;
  const w = net.uniform(`${name}.weight`, [cout, cin / group, kh, kw], boundForStd((options.gain ?? HE_GAIN) / Math.sqrt(fanIn)));
  const inputs = options.bias === false ? [x, w] : [x, w, net.uniform(`${name}.bias`, [cout], BIAS_BOUND)];
  return net.op('Conv', name, inputs, {
    kernel_shape: [kh, kw], strides: [stride, stride], pads: [ph, pw, ph, pw], group, dilations: [1, 1],
  });
}

/** Conv followed by batch normalization, folded into one Conv with a bias. */
export function convBn(
  net: NetBuilder, name: string, x: string, cin: number, cout: number,
  kernel: number | readonly [number, number], options: ConvOptions = {},
): string {
  return conv(net, name, x, cin, cout, kernel, { ...options, bias: true });
}

export function relu(net: NetBuilder, name: string, x: string): string {
  return net.op('Relu', name, [x]);
}

/** ReLU6 as Clip(x, 0, 6). */
export function relu6(net: NetBuilder, name: string, x: string): string {
  return net.op('Clip', name, [x, net.scalar(0), net.scalar(6)]);
}

/** Conv (BN folded) then ReLU; the ReLU node is `<name>.relu`. */
export function convBnRelu(
  net: NetBuilder, name: string, x: string, cin: number, cout: number,
  kernel: number | readonly [number, number], options: ConvOptions = {},
): string {
  return relu(net, `${name}.relu`, convBn(net, name, x, cin, cout, kernel, options));
}

/** Conv (BN folded) then ReLU6; the Clip node is `<name>.relu6`. */
export function convBnRelu6(
  net: NetBuilder, name: string, x: string, cin: number, cout: number,
  kernel: number | readonly [number, number], options: ConvOptions = {},
): string {
  return relu6(net, `${name}.relu6`, convBn(net, name, x, cin, cout, kernel, options));
}

/** Inference-mode BatchNormalization with gamma near 1, beta near 0, mean near 0 and variance near 1. */
export function batchNorm(net: NetBuilder, name: string, x: string, channels: number, epsilon = 1e-5): string {
  const scale = net.around(`${name}.weight`, [channels], 1, 0.1);
  const bias = net.around(`${name}.bias`, [channels], 0, 0.05);
  const mean = net.around(`${name}.running_mean`, [channels], 0, 0.05);
  const variance = net.around(`${name}.running_var`, [channels], 1, 0.1);
  return net.op('BatchNormalization', name, [x, scale, bias, mean, variance], { epsilon: { type: 'float', value: epsilon } });
}

export function maxPool(net: NetBuilder, name: string, x: string, kernel: number, stride: number, pad = 0): string {
  return net.op('MaxPool', name, [x], { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad] });
}

/** AveragePool; padded cells count in the average, as in PyTorch's default. */
export function avgPool(net: NetBuilder, name: string, x: string, kernel: number, stride: number, pad = 0): string {
  return net.op('AveragePool', name, [x], {
    kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad], count_include_pad: 1,
  });
}

/** A fully connected layer on [batch, in] with a PyTorch-layout weight [out, in] (Gemm with transB). */
export function dense(net: NetBuilder, name: string, x: string, cin: number, cout: number, gain = 1, output?: string): string {
  const w = net.uniform(`${name}.weight`, [cout, cin], boundForStd(gain / Math.sqrt(cin)));
  const b = net.uniform(`${name}.bias`, [cout], BIAS_BOUND);
  const attrs = { transB: 1 };
  return output === undefined ? net.op('Gemm', name, [x, w, b], attrs) : net.opTo(output, 'Gemm', name, [x, w, b], attrs);
}

/** GlobalAveragePool, Flatten and a Gemm to `classes` logits; the graph output is named `logits`. */
export function poolClassifier(net: NetBuilder, x: string, channels: number, classes: number, fcName = 'fc'): string {
  const pooled = net.op('GlobalAveragePool', 'avgpool', [x]);
  const flat = net.op('Flatten', 'flatten', [pooled], { axis: 1 });
  return dense(net, fcName, flat, channels, classes, 1, 'logits');
}
