/**
 * MobileNetV2 (Sandler et al. 2018; torchvision's layout, width multiplier 1): a strided 3x3 stem, seventeen
 * inverted residual blocks in seven groups (expansion t, channels c, repeats n, first stride s), a 1x1 conv to
 * 1280 channels, global average pooling and a 1000-way classifier. ReLU6 is Clip(0, 6). Input [batch, 3, 224, 224].
 */
import { Graph } from '../graph/graph';
import { convBnRelu6, poolClassifier } from './conv-layers';
import { NetBuilder } from './net';
import { invertedResidual } from './residual-blocks';

const GROUPS: readonly { t: number; c: number; n: number; s: number }[] = [
  { t: 1, c: 16, n: 1, s: 1 },
  { t: 6, c: 24, n: 2, s: 2 },
  { t: 6, c: 32, n: 3, s: 2 },
  { t: 6, c: 64, n: 4, s: 2 },
  { t: 6, c: 96, n: 3, s: 1 },
  { t: 6, c: 160, n: 3, s: 2 },
  { t: 6, c: 320, n: 1, s: 1 },
];

export function buildMobileNetV2(batch: number, seed: number): Graph {
  const net = new NetBuilder('mobilenetv2', seed);
  let x = net.input('input', 'float32', [batch, 3, 224, 224]);
  x = convBnRelu6(net, 'features.0', x, 3, 32, 3, { stride: 2, pad: 1 });
  let channels = 32;
  let index = 1;
  for (const group of GROUPS) {
    for (let r = 0; r < group.n; r++) {
      x = invertedResidual(net, `features.${index}`, x, channels, group.c, r === 0 ? group.s : 1, group.t);
      channels = group.c;
      index++;
    }
  }
  x = convBnRelu6(net, `features.${index}`, x, channels, 1280, 1);
  poolClassifier(net, x, 1280, 1000, 'classifier');
  net.output('logits', 'float32', [batch, 1000]);
  return net.finish();
}
