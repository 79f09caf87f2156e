/**
 * Inception-v3 blocks A to E (Szegedy et al. 2016; torchvision's InceptionA..E). Each block runs parallel
 * branches of BasicConv2d (conv + folded BN + ReLU) and pooling over the same input and concatenates them on
 * the channel axis. Blocks B and D halve the spatial size (stride-2 branches and a 3x3/2 max pool); A, C and E
 * keep it (padded convs and a 3x3/1 average pool).
 *
 * Invariant: each function returns the concatenation and its channel count:
 * A: 224 + poolFeatures, B: 480 + cin, C: 768, D: 512 + cin, E: 2048.
 */
import { avgPool, convBnRelu, maxPool } from './conv-layers';
import { NetBuilder } from './net';

export interface BlockOutput { output: string; channels: number }

/** BasicConv2d: conv, batch norm (folded) and ReLU. */
function basic(
  net: NetBuilder, name: string, x: string, cin: number, cout: number,
  kernel: number | [number, number], pad: number | [number, number] = 0, stride = 1,
): string {
  return convBnRelu(net, name, x, cin, cout, kernel, { pad, stride });
}

function concat(net: NetBuilder, name: string, parts: string[], channels: number): BlockOutput {
  return { output: net.op('Concat', `${name}.concat`, parts, { axis: 1 }), channels };
}

export function inceptionA(net: NetBuilder, name: string, x: string, cin: number, poolFeatures: number): BlockOutput {
  const b1 = basic(net, `${name}.branch1x1`, x, cin, 64, 1);
  let b5 = basic(net, `${name}.branch5x5_1`, x, cin, 48, 1);
  b5 = basic(net, `${name}.branch5x5_2`, b5, 48, 64, 5, 2);
  let b3 = basic(net, `${name}.branch3x3dbl_1`, x, cin, 64, 1);
  b3 = basic(net, `${name}.branch3x3dbl_2`, b3, 64, 96, 3, 1);
  b3 = basic(net, `${name}.branch3x3dbl_3`, b3, 96, 96, 3, 1);
  const pooled = avgPool(net, `${name}.branch_pool.avgpool`, x, 3, 1, 1);
  const bp = basic(net, `${name}.branch_pool`, pooled, cin, poolFeatures, 1);
  return concat(net, name, [b1, b5, b3, bp], 64 + 64 + 96 + poolFeatures);
}

export function inceptionB(net: NetBuilder, name: string, x: string, cin: number): BlockOutput {
  const b3 = basic(net, `${name}.branch3x3`, x, cin, 384, 3, 0, 2);
  let bd = basic(net, `${name}.branch3x3dbl_1`, x, cin, 64, 1);
  bd = basic(net, `${name}.branch3x3dbl_2`, bd, 64, 96, 3, 1);
  bd = basic(net, `${name}.branch3x3dbl_3`, bd, 96, 96, 3, 0, 2);
  const bp = maxPool(net, `${name}.branch_pool`, x, 3, 2);
  return concat(net, name, [b3, bd, bp], 384 + 96 + cin);
}

export function inceptionC(net: NetBuilder, name: string, x: string, cin: number, c7: number): BlockOutput {
  const b1 = basic(net, `${name}.branch1x1`, x, cin, 192, 1);
  let b7 = basic(net, `${name}.branch7x7_1`, x, cin, c7, 1);
  b7 = basic(net, `${name}.branch7x7_2`, b7, c7, c7, [1, 7], [0, 3]);
  b7 = basic(net, `${name}.branch7x7_3`, b7, c7, 192, [7, 1], [3, 0]);
  let bd = basic(net, `${name}.branch7x7dbl_1`, x, cin, c7, 1);
  bd = basic(net, `${name}.branch7x7dbl_2`, bd, c7, c7, [7, 1], [3, 0]);
  bd = basic(net, `${name}.branch7x7dbl_3`, bd, c7, c7, [1, 7], [0, 3]);
  bd = basic(net, `${name}.branch7x7dbl_4`, bd, c7, c7, [7, 1], [3, 0]);
  bd = basic(net, `${name}.branch7x7dbl_5`, bd, c7, 192, [1, 7], [0, 3]);
  const pooled = avgPool(net, `${name}.branch_pool.avgpool`, x, 3, 1, 1);
  const bp = basic(net, `${name}.branch_pool`, pooled, cin, 192, 1);
  return concat(net, name, [b1, b7, bd, bp], 768);
}

export function inceptionD(net: NetBuilder, name: string, x: string, cin: number): BlockOutput {
  let b3 = basic(net, `${name}.branch3x3_1`, x, cin, 192, 1);
  b3 = basic(net, `${name}.branch3x3_2`, b3, 192, 320, 3, 0, 2);
  let b7 = basic(net, `${name}.branch7x7x3_1`, x, cin, 192, 1);
  b7 = basic(net, `${name}.branch7x7x3_2`, b7, 192, 192, [1, 7], [0, 3]);
  b7 = basic(net, `${name}.branch7x7x3_3`, b7, 192, 192, [7, 1], [3, 0]);
  b7 = basic(net, `${name}.branch7x7x3_4`, b7, 192, 192, 3, 0, 2);
  const bp = maxPool(net, `${name}.branch_pool`, x, 3, 2);
  return concat(net, name, [b3, b7, bp], 320 + 192 + cin);
}

export function inceptionE(net: NetBuilder, name: string, x: string, cin: number): BlockOutput {
  const b1 = basic(net, `${name}.branch1x1`, x, cin, 320, 1);
  const b3 = basic(net, `${name}.branch3x3_1`, x, cin, 384, 1);
  const b3a = basic(net, `${name}.branch3x3_2a`, b3, 384, 384, [1, 3], [0, 1]);
  const b3b = basic(net, `${name}.branch3x3_2b`, b3, 384, 384, [3, 1], [1, 0]);
  const b3cat = net.op('Concat', `${name}.branch3x3.concat`, [b3a, b3b], { axis: 1 });
  let bd = basic(net, `${name}.branch3x3dbl_1`, x, cin, 448, 1);
  bd = basic(net, `${name}.branch3x3dbl_2`, bd, 448, 384, 3, 1);
  const bda = basic(net, `${name}.branch3x3dbl_3a`, bd, 384, 384, [1, 3], [0, 1]);
  const bdb = basic(net, `${name}.branch3x3dbl_3b`, bd, 384, 384, [3, 1], [1, 0]);
  const bdcat = net.op('Concat', `${name}.branch3x3dbl.concat`, [bda, bdb], { axis: 1 });
  const pooled = avgPool(net, `${name}.branch_pool.avgpool`, x, 3, 1, 1);
  const bp = basic(net, `${name}.branch_pool`, pooled, cin, 192, 1);
  return concat(net, name, [b1, b3cat, bdcat, bp], 320 + 768 + 768 + 192);
}
