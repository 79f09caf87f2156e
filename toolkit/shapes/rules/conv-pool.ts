/**
 * Convolutions and pooling over an input [N, C, spatial...].
 * Per spatial dim (kernel k, stride s, dilation d, pads b/e, effective kernel K = d*(k-1)+1):
 *   explicit pads:  out = floor((in + b + e - K) / s) + 1   (ceil with ceil_mode, dropping a last window that
 *                   would start inside the end padding, as onnxruntime does)
 *   SAME_UPPER/LOWER: out = ceil(in / s);  VALID: out = ceil((in - K + 1) / s)
 * ConvTranspose inverts it: out = s*(in-1) + output_padding + K - b - e (SAME: in*s), or `output_shape`.
 */
import { RuleContext, ShapeRule } from '../context';
import { Known, known } from '../known';

interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly pads: readonly number[];
  readonly autoPad: string;
}

function windowOf(ctx: RuleContext, x: Known, kernel: readonly number[]): Window {
  const spatial = x.shape.length - 2;
  if (spatial < 1) throw ctx.error(`input has rank ${x.shape.length}; expected [N, C, spatial...]`);
  if (kernel.length !== spatial) throw ctx.error(`kernel has ${kernel.length} dims but the input has ${spatial} spatial dims`);
  const strides = ctx.ints('strides') ?? new Array<number>(spatial).fill(1);
  const dilations = ctx.ints('dilations') ?? new Array<number>(spatial).fill(1);
  const pads = ctx.ints('pads') ?? new Array<number>(2 * spatial).fill(0);
  if (strides.length !== spatial || dilations.length !== spatial || pads.length !== 2 * spatial) {
    throw ctx.error(`strides/dilations/pads do not match ${spatial} spatial dims`);
  }
  return { kernel, strides, dilations, pads, autoPad: ctx.string('auto_pad', 'NOTSET') };
}

function windowOutput(ctx: RuleContext, inputSpatial: readonly number[], w: Window, ceilMode: boolean): number[] {
  return inputSpatial.map((size, i) => {
    const s = w.strides[i];
    const effective = w.dilations[i] * (w.kernel[i] - 1) + 1;
    let out: number;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') out = Math.ceil(size / s);
    else if (w.autoPad === 'VALID') out = Math.ceil((size - effective + 1) / s);
    else if (w.autoPad === 'NOTSET') {
      const begin = w.pads[i];
      const span = size + begin + w.pads[i + inputSpatial.length] - effective;
      if (ceilMode) {
        out = Math.ceil(span / s) + 1;
        if ((out - 1) * s >= size + begin) out -= 1;
      } else {
        out = Math.floor(span / s) + 1;
      }
    } else throw ctx.error(`unknown auto_pad '${w.autoPad}'`);
    if (out < 1) throw ctx.error(`spatial dim ${i} of size ${size} is too small for kernel ${w.kernel[i]}`);
    return out;
  });
}

/** The output shape of a convolution of `x` with `weight` (Conv, ConvInteger, QLinearConv share it). */
export function convShape(ctx: RuleContext, x: Known, weight: Known): number[] {
  const group = ctx.int('group', 1);
  const kernel = ctx.ints('kernel_shape') ?? weight.shape.slice(2);
  const w = windowOf(ctx, x, kernel);
  if (x.shape[1] !== weight.shape[1] * group) {
    throw ctx.error(`input has ${x.shape[1]} channels but weight expects ${weight.shape[1]} x group ${group}`);
  }
  return [x.shape[0], weight.shape[0], ...windowOutput(ctx, x.shape.slice(2), w, false)];
}

const conv: ShapeRule = (ctx) => [known(ctx.input(0).dtype, convShape(ctx, ctx.input(0), ctx.input(1)))];

const convTranspose: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const weight = ctx.input(1);
  const group = ctx.int('group', 1);
  const kernel = ctx.ints('kernel_shape') ?? weight.shape.slice(2);
  const w = windowOf(ctx, x, kernel);
  const channels = weight.shape[1] * group;
  const spatialIn = x.shape.slice(2);
  const explicit = ctx.ints('output_shape');
  if (explicit !== undefined) {
    const spatial = explicit.slice(explicit.length - spatialIn.length);
    return [known(x.dtype, [x.shape[0], channels, ...spatial])];
  }
  const outputPadding = ctx.ints('output_padding') ?? new Array<number>(spatialIn.length).fill(0);
  const spatial = spatialIn.map((size, i) => {
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return size * w.strides[i];
    const effective = w.dilations[i] * (kernel[i] - 1) + 1;
    const pads = w.autoPad === 'VALID' ? 0 : w.pads[i] + w.pads[i + spatialIn.length];
    return w.strides[i] * (size - 1) + outputPadding[i] + effective - pads;
  });
  return [known(x.dtype, [x.shape[0], channels, ...spatial])];
};

function pool(withIndices: boolean): ShapeRule {
  return (ctx) => {
    const x = ctx.input(0);
    const kernel = ctx.ints('kernel_shape');
    if (kernel === undefined) throw ctx.error(`attribute 'kernel_shape' is missing`);
    const w = windowOf(ctx, x, kernel);
    const shape = [x.shape[0], x.shape[1], ...windowOutput(ctx, x.shape.slice(2), w, ctx.int('ceil_mode', 0) === 1)];
    const out: Known[] = [known(x.dtype, shape)];
    if (withIndices && ctx.outputCount > 1) out.push(known('int64', shape));
    return out;
  };
}

const globalPool: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  if (x.shape.length < 3) throw ctx.error(`input has rank ${x.shape.length}; expected [N, C, spatial...]`);
  return [known(x.dtype, [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)])];
};

export const CONV_POOL_RULES: Readonly<Record<string, ShapeRule>> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool(true),
  AveragePool: pool(false),
  LpPool: pool(false),
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
};
