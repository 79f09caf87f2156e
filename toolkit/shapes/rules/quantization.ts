/**
 * The quantization operators of the ONNX standard. Shapes follow the float op each one stands for; dtypes
 * follow the spec:
 *   QuantizeLinear(x, scale, zero_point?)   -> x's shape; zero_point's type, else `output_dtype` (opset 21), else uint8
 *   DequantizeLinear(x, scale, zero_point?) -> x's shape; scale's type (float32, float16 or bfloat16)
 *   DynamicQuantizeLinear(x)                -> y uint8 (x's shape), y_scale float32 [], y_zero_point uint8 []
 *   ConvInteger(x, w, x_zp?, w_zp?)         -> Conv's shape, int32
 *   MatMulInteger(a, b, a_zp?, b_zp?)       -> MatMul's shape, int32 (in linear.ts)
 *   QLinearConv(x, xs, xzp, w, ws, wzp, ys, yzp, B?) -> Conv's shape of (x, w), y_zero_point's type
 *   QLinearMatMul(a, as, azp, b, bs, bzp, ys, yzp)   -> MatMul's shape of (a, b), y_zero_point's type
 */
import { dtypeFromOnnx } from '../../core/dtype';
import { ShapeRule } from '../context';
import { known } from '../known';
import { convShape } from './conv-pool';
import { matMulShape } from './linear';

const quantizeLinear: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const code = ctx.int('output_dtype', 0);
  const dtype = ctx.has(2) ? ctx.input(2).dtype : code !== 0 ? dtypeFromOnnx(code) : 'uint8';
  return [known(dtype, x.shape)];
};

const dequantizeLinear: ShapeRule = (ctx) => [known(ctx.input(1).dtype, ctx.input(0).shape)];

const dynamicQuantizeLinear: ShapeRule = (ctx) => [
  known('uint8', ctx.input(0).shape), known('float32', []), known('uint8', []),
];

const convInteger: ShapeRule = (ctx) => [known('int32', convShape(ctx, ctx.input(0), ctx.input(1)))];

const qLinearConv: ShapeRule = (ctx) => [known(ctx.input(7).dtype, convShape(ctx, ctx.input(0), ctx.input(3)))];

const qLinearMatMul: ShapeRule = (ctx) => [known(ctx.input(7).dtype, matMulShape(ctx, ctx.input(0), ctx.input(3)))];

export const QUANTIZATION_RULES: Readonly<Record<string, ShapeRule>> = {
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  DynamicQuantizeLinear: dynamicQuantizeLinear,
  ConvInteger: convInteger,
  QLinearConv: qLinearConv,
  QLinearMatMul: qLinearMatMul,
};
