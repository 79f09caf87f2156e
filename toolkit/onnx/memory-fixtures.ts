/**
 * Conv nets shaped like published ones whose measured memory the cpu model once missed (issue 21), built with the
 * GraphBuilder and seeded weights, for `quilt memory`'s truth tests:
 *  - dbnetLike: a text detector in the DBNet style at 640x640: a strided backbone, an FPN (1x1 lateral convs,
 *    nearest Resize x2 and Add top-down), each level upsampled to 1/4 and concatenated, and a head of a Conv and
 *    two ConvTranspose x2 to a full-size probability map;
 *  - fp16SegNet: a segmentation net whose weights and activations are float16 between a Cast in and a Cast out,
 *    with an encoder of strided Convs and a decoder of Resize x2, a skip Add and Convs.
 */
import { GraphBuilder } from '../graph/builder';
import { Graph, TensorData } from '../graph/graph';
import { seededTensor } from './class-fixtures';

let seed = 500;
function conv(b: GraphBuilder, name: string, x: string, cin: number, cout: number, k: number, stride: number, dtype: 'float32' | 'float16' = 'float32'): string {
  const w = b.initializer(`${name}_w`, seededTensor(dtype, [cout, cin, k, k], seed++, 1 / Math.sqrt(cin * k * k)));
  const bias = b.initializer(`${name}_b`, seededTensor(dtype, [cout], seed++, 0.05));
  const pad = (k - 1) >> 1;
  return b.op('Conv', [x, w, bias], { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] }, name);
}

function scales(b: GraphBuilder, name: string, factor: number): string {
  const data: TensorData = { dtype: 'float32', dims: [4], bytes: new Uint8Array(new Float32Array([1, 1, factor, factor]).buffer) };
  return b.initializer(name, data);
}

function upsample(b: GraphBuilder, name: string, x: string, factor: number): string {
  return b.op('Resize', [x, '', scales(b, `${name}_scales`, factor)], { mode: 'nearest' }, name);
}

/** image float32 [1, 3, side, side] -> probability map [1, 1, side, side]. */
export function dbnetLike(side = 640): Graph {
  seed = 500;
  const b = new GraphBuilder('dbnet_like');
  const x = b.input('image', 'float32', [1, 3, side, side]);
  const relu = (name: string, v: string) => b.op('Relu', [v], {}, name);
  const c1 = relu('r1', conv(b, 'stem', x, 3, 16, 3, 2));
  const c2 = relu('r2', conv(b, 'c2', c1, 16, 32, 3, 2));
  const c3 = relu('r3', conv(b, 'c3', c2, 32, 64, 3, 2));
  const c4 = relu('r4', conv(b, 'c4', c3, 64, 128, 3, 2));
  const c5 = relu('r5', conv(b, 'c5', c4, 128, 128, 3, 2));
  const in5 = conv(b, 'in5', c5, 128, 64, 1, 1);
  const out4 = b.op('Add', [conv(b, 'in4', c4, 128, 64, 1, 1), upsample(b, 'up5', in5, 2)], {}, 'td4');
  const out3 = b.op('Add', [conv(b, 'in3', c3, 64, 64, 1, 1), upsample(b, 'up4', out4, 2)], {}, 'td3');
  const out2 = b.op('Add', [conv(b, 'in2', c2, 32, 64, 1, 1), upsample(b, 'up3', out3, 2)], {}, 'td2');
  const p5 = upsample(b, 'p5_up', conv(b, 'p5', in5, 64, 16, 3, 1), 8);
  const p4 = upsample(b, 'p4_up', conv(b, 'p4', out4, 64, 16, 3, 1), 4);
  const p3 = upsample(b, 'p3_up', conv(b, 'p3', out3, 64, 16, 3, 1), 2);
  const p2 = conv(b, 'p2', out2, 64, 16, 3, 1);
  const fuse = b.op('Concat', [p5, p4, p3, p2], { axis: 1 }, 'fuse');
  const h = relu('head_relu', conv(b, 'head', fuse, 64, 16, 3, 1));
  const t1w = b.initializer('up1_w', seededTensor('float32', [16, 16, 2, 2], seed++, 0.25));
  const t1 = relu('up1_relu', b.op('ConvTranspose', [h, t1w], { kernel_shape: [2, 2], strides: [2, 2] }, 'up1'));
  const t2w = b.initializer('up2_w', seededTensor('float32', [16, 1, 2, 2], seed++, 0.25));
  const t2 = b.op('ConvTranspose', [t1, t2w], { kernel_shape: [2, 2], strides: [2, 2] }, 'up2');
  b.output(b.op('Sigmoid', [t2], {}, 'prob'));
  return b.finish();
}

/** image float32 [1, 3, side, side] -> Cast float16 -> encoder / decoder in float16 -> Cast float32 [1, 4, side/2, side/2]. */
export function fp16SegNet(side = 256): Graph {
  seed = 700;
  const b = new GraphBuilder('fp16_seg');
  const x = b.op('Cast', [b.input('image', 'float32', [1, 3, side, side])], { to: 10 }, 'to_fp16');
  const relu = (name: string, v: string) => b.op('Relu', [v], {}, name);
  const e1 = relu('e1_relu', conv(b, 'e1', x, 3, 16, 3, 2, 'float16'));
  const e2 = relu('e2_relu', conv(b, 'e2', e1, 16, 32, 3, 2, 'float16'));
  const e3 = relu('e3_relu', conv(b, 'e3', e2, 32, 64, 3, 2, 'float16'));
  const d3 = relu('d3_relu', conv(b, 'd3', upsample(b, 'd3_up', e3, 2), 64, 32, 3, 1, 'float16'));
  const skip = b.op('Add', [upsample(b, 'd2_up', d3, 2), upsample(b, 'skip_up', e2, 2)], {}, 'd2_skip');
  const d2 = relu('d2_relu', conv(b, 'd2', skip, 32, 16, 3, 1, 'float16'));
  const logits = conv(b, 'cls', d2, 16, 4, 1, 1, 'float16');
  b.output(b.op('Cast', [logits], { to: 1 }, 'to_fp32'));
  return b.finish();
}
