/**
 * DenseNet blocks (Huang et al. 2017; torchvision's layout). A dense layer is BN-ReLU-conv1x1 (to
 * bnSize * growth channels, with the following BN folded into it)-ReLU-conv3x3 (to `growth` channels, no bias).
 * A dense block feeds each layer the channel concatenation of the block's input and every earlier layer's
 * output, as PyTorch's export does (one Concat per layer); the block's output is the concatenation of all of them.
 * A transition is BN-ReLU-conv1x1 (halving the channels, no bias)-AveragePool 2x2.
 *
 * Invariant: after a block of n layers the channel count is cin + n * growth.
 */
import { batchNorm, conv, convBn, relu, avgPool } from './conv-layers';
import { NetBuilder } from './net';

export interface DenseBlockConfig { layers: number; growth: number; bnSize: number }

export function denseLayer(net: NetBuilder, name: string, x: string, cin: number, growth: number, bnSize: number): string {
  let h = relu(net, `${name}.relu1`, batchNorm(net, `${name}.norm1`, x, cin));
  h = relu(net, `${name}.relu2`, convBn(net, `${name}.conv1`, h, cin, bnSize * growth, 1));
  return conv(net, `${name}.conv2`, h, bnSize * growth, growth, 3, { pad: 1, bias: false });
}

/** Returns the block's output (the concatenation) and its channel count. */
export function denseBlock(
  net: NetBuilder, name: string, x: string, cin: number, config: DenseBlockConfig,
): { output: string; channels: number } {
  const features = [x];
  let channels = cin;
  for (let i = 0; i < config.layers; i++) {
    const layerName = `${name}.denselayer${i + 1}`;
    const input = i === 0 ? x : net.op('Concat', `${layerName}.concat`, features, { axis: 1 });
    features.push(denseLayer(net, layerName, input, channels, config.growth, config.bnSize));
    channels += config.growth;
  }
  return { output: net.op('Concat', `${name}.concat`, features, { axis: 1 }), channels };
}

export function transition(net: NetBuilder, name: string, x: string, cin: number, cout: number): string {
  const h = relu(net, `${name}.relu`, batchNorm(net, `${name}.norm`, x, cin));
  return avgPool(net, `${name}.pool`, conv(net, `${name}.conv`, h, cin, cout, 1, { bias: false }), 2, 2);
}
