/**
 * VGG-16 (Simonyan and Zisserman 2015, configuration D; torchvision's vgg16 without batch norm): thirteen 3x3
 * convolutions with biases in five stages separated by 2x2 max pools, then three fully connected layers
 * (25088 -> 4096 -> 4096 -> 1000; dropout is absent at inference). Input [batch, 3, 224, 224].
 */
import { Graph } from '../graph/graph';
import { HE_GAIN, conv, dense, maxPool, relu } from './conv-layers';
import { NetBuilder } from './net';

/** Output channels of each conv; 'M' is a 2x2 max pool. */
const FEATURES: readonly (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];

export function buildVgg16(batch: number, seed: number): Graph {
  const net = new NetBuilder('vgg16', seed);
  let x = net.input('input', 'float32', [batch, 3, 224, 224]);
  let channels = 3;
  FEATURES.forEach((item, i) => {
    if (item === 'M') {
      x = maxPool(net, `features.${i}`, x, 2, 2);
    } else {
      x = relu(net, `features.${i}.relu`, conv(net, `features.${i}`, x, channels, item, 3, { pad: 1 }));
      channels = item;
    }
  });
  // On a 224x224 input the features are already 7x7, so the adaptive average pool is the identity.
  x = net.op('Flatten', 'flatten', [x], { axis: 1 });
  x = relu(net, 'classifier.1', dense(net, 'classifier.0', x, channels * 7 * 7, 4096, HE_GAIN));
  x = relu(net, 'classifier.4', dense(net, 'classifier.3', x, 4096, 4096, HE_GAIN));
  dense(net, 'classifier.6', x, 4096, 1000, 1, 'logits');
  net.output('logits', 'float32', [batch, 1000]);
  return net.finish();
}
