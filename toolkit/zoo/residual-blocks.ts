/**
 * Residual blocks: ResNet's bottleneck (torchvision v1.5: the stride sits in the 3x3 conv) and MobileNetV2's
 * inverted residual (expand 1x1, depthwise 3x3, linear 1x1 projection).
 *
 * Invariant: a block adds its input back only when the shapes match (stride 1 and cin == cout); otherwise
 * ResNet projects the input with a strided 1x1 conv (`<name>.downsample`) and MobileNetV2 adds nothing.
 * The last conv of a residual branch is drawn with a small gain so that the sum of many blocks stays within a
 * modest range in a randomly initialized network.
 */
import { convBn, convBnRelu, convBnRelu6, relu } from './conv-layers';
import { NetBuilder } from './net';

export const RESIDUAL_BRANCH_GAIN = 0.5;
export const BOTTLENECK_EXPANSION = 4;

/** ResNet bottleneck: 1x1 (width), 3x3 (width, stride), 1x1 (4 * width), plus the shortcut, then ReLU. */
export function bottleneck(net: NetBuilder, name: string, x: string, cin: number, width: number, stride: number): string {
  const cout = width * BOTTLENECK_EXPANSION;
  let h = convBnRelu(net, `${name}.conv1`, x, cin, width, 1);
  h = convBnRelu(net, `${name}.conv2`, h, width, width, 3, { stride, pad: 1 });
  h = convBn(net, `${name}.conv3`, h, width, cout, 1, { gain: RESIDUAL_BRANCH_GAIN });
  const shortcut = stride !== 1 || cin !== cout
    ? convBn(net, `${name}.downsample`, x, cin, cout, 1, { stride, gain: 1 })
    : x;
  return relu(net, `${name}.relu`, net.op('Add', `${name}.add`, [h, shortcut]));
}

/** MobileNetV2 inverted residual with expansion `expand` (no expansion conv when it is 1). */
export function invertedResidual(
  net: NetBuilder, name: string, x: string, cin: number, cout: number, stride: number, expand: number,
): string {
  const hidden = cin * expand;
  let h = x;
  if (expand !== 1) h = convBnRelu6(net, `${name}.expand`, h, cin, hidden, 1);
  h = convBnRelu6(net, `${name}.depthwise`, h, hidden, hidden, 3, { stride, pad: 1, group: hidden });
  const residual = stride === 1 && cin === cout;
  h = convBn(net, `${name}.project`, h, hidden, cout, 1, { gain: residual ? RESIDUAL_BRANCH_GAIN : 1 });
  return residual ? net.op('Add', `${name}.add`, [x, h]) : h;
}
