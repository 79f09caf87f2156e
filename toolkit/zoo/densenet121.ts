/**
 * DenseNet-121 (Huang et al. 2017; torchvision's layout): a 7x7 stem and max pool, dense blocks of 6, 12, 24
 * and 16 layers (growth 32, bottleneck width 4 * 32) with halving transitions between them, a final BN and ReLU,
 * global average pooling and a 1000-way classifier. Input [batch, 3, 224, 224].
 */
import { Graph } from '../graph/graph';
import { batchNorm, convBnRelu, maxPool, poolClassifier, relu } from './conv-layers';
import { denseBlock, transition } from './dense-blocks';
import { NetBuilder } from './net';

const BLOCK_LAYERS = [6, 12, 24, 16];
const GROWTH = 32;
const BN_SIZE = 4;

export function buildDenseNet121(batch: number, seed: number): Graph {
  const net = new NetBuilder('densenet121', seed);
  let x = net.input('input', 'float32', [batch, 3, 224, 224]);
  x = convBnRelu(net, 'features.conv0', x, 3, 64, 7, { stride: 2, pad: 3 });
  x = maxPool(net, 'features.pool0', x, 3, 2, 1);
  let channels = 64;
  BLOCK_LAYERS.forEach((layers, b) => {
    const block = denseBlock(net, `features.denseblock${b + 1}`, x, channels, { layers, growth: GROWTH, bnSize: BN_SIZE });
    x = block.output;
    channels = block.channels;
    if (b < BLOCK_LAYERS.length - 1) {
      x = transition(net, `features.transition${b + 1}`, x, channels, channels / 2);
      channels /= 2;
    }
  });
  x = relu(net, 'features.relu5', batchNorm(net, 'features.norm5', x, channels));
  poolClassifier(net, x, channels, 1000, 'classifier');
  net.output('logits', 'float32', [batch, 1000]);
  return net.finish();
}
