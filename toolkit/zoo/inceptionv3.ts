/**
 * Inception-v3 (Szegedy et al. 2016; torchvision's layout without the auxiliary classifier and without
 * transform_input): a five-conv stem with two max pools (299 -> 35), three InceptionA, one InceptionB (-> 17),
 * four InceptionC, one InceptionD (-> 8), two InceptionE, global average pooling and a 1000-way classifier.
 * Input [batch, 3, 299, 299].
 */
import { Graph } from '../graph/graph';
import { convBnRelu, maxPool, poolClassifier } from './conv-layers';
import { inceptionA, inceptionB, inceptionC, inceptionD, inceptionE } from './inception-blocks';
import { NetBuilder } from './net';

export function buildInceptionV3(batch: number, seed: number): Graph {
  const net = new NetBuilder('inceptionv3', seed);
  let x = net.input('input', 'float32', [batch, 3, 299, 299]);
  x = convBnRelu(net, 'Conv2d_1a_3x3', x, 3, 32, 3, { stride: 2 });
  x = convBnRelu(net, 'Conv2d_2a_3x3', x, 32, 32, 3);
  x = convBnRelu(net, 'Conv2d_2b_3x3', x, 32, 64, 3, { pad: 1 });
  x = maxPool(net, 'maxpool1', x, 3, 2);
  x = convBnRelu(net, 'Conv2d_3b_1x1', x, 64, 80, 1);
  x = convBnRelu(net, 'Conv2d_4a_3x3', x, 80, 192, 3);
  x = maxPool(net, 'maxpool2', x, 3, 2);
  let b = inceptionA(net, 'Mixed_5b', x, 192, 32);
  b = inceptionA(net, 'Mixed_5c', b.output, b.channels, 64);
  b = inceptionA(net, 'Mixed_5d', b.output, b.channels, 64);
  b = inceptionB(net, 'Mixed_6a', b.output, b.channels);
  b = inceptionC(net, 'Mixed_6b', b.output, b.channels, 128);
  b = inceptionC(net, 'Mixed_6c', b.output, b.channels, 160);
  b = inceptionC(net, 'Mixed_6d', b.output, b.channels, 160);
  b = inceptionC(net, 'Mixed_6e', b.output, b.channels, 192);
  b = inceptionD(net, 'Mixed_7a', b.output, b.channels);
  b = inceptionE(net, 'Mixed_7b', b.output, b.channels);
  b = inceptionE(net, 'Mixed_7c', b.output, b.channels);
  poolClassifier(net, b.output, b.channels, 1000);
  net.output('logits', 'float32', [batch, 1000]);
  return net.finish();
}
