/**
 * ResNet-50 (He et al. 2016; torchvision's layout): a 7x7 stem, four stages of 3, 4, 6 and 3 bottlenecks of
 * widths 64, 128, 256 and 512, global average pooling and a 1000-way classifier. Input [batch, 3, 224, 224].
 */
import { Graph } from '../graph/graph';
import { convBnRelu, maxPool, poolClassifier } from './conv-layers';
import { NetBuilder } from './net';
import { BOTTLENECK_EXPANSION, bottleneck } from './residual-blocks';

const STAGES: readonly { blocks: number; width: number; stride: number }[] = [
  { blocks: 3, width: 64, stride: 1 },
  { blocks: 4, width: 128, stride: 2 },
  { blocks: 6, width: 256, stride: 2 },
  { blocks: 3, width: 512, stride: 2 },
];

export function buildResNet50(batch: number, seed: number): Graph {
  const net = new NetBuilder('resnet50', seed);
  let x = net.input('input', 'float32', [batch, 3, 224, 224]);
  x = convBnRelu(net, 'conv1', x, 3, 64, 7, { stride: 2, pad: 3 });
  x = maxPool(net, 'maxpool', x, 3, 2, 1);
  let channels = 64;
  STAGES.forEach((stage, s) => {
    for (let b = 0; b < stage.blocks; b++) {
      x = bottleneck(net, `layer${s + 1}.${b}`, x, channels, stage.width, b === 0 ? stage.stride : 1);
      channels = stage.width * BOTTLENECK_EXPANSION;
    }
  });
  poolClassifier(net, x, channels, 1000);
  net.output('logits', 'float32', [batch, 1000]);
  return net.finish();
}
