/**
 * Elementwise ops. Unary ops keep their input's shape (and dtype unless they say otherwise); binary and
 * variadic ops broadcast numpy-style; comparisons and logic ops yield bool. Small integer arithmetic on
 * constants is folded so that shape arithmetic (e.g. `Div(Shape(x)[2], heads)`) stays known.
 */
import { elementCount } from '../../graph/graph';
import { DType } from '../../core/dtype';
import { dtypeFromOnnx } from '../../core/dtype';
import { broadcastShapes, broadcastValues } from '../broadcast';
import { RuleContext, ShapeRule } from '../context';
import { Known, castNumber, isIntegerDType, isSmall, known } from '../known';

type Fold1 = (x: number) => number;
type Fold2 = (a: number, b: number, dtype: DType) => number;

function unary(fold?: Fold1, dtype?: DType): ShapeRule {
  return (ctx) => {
    const x = ctx.input(0);
    const outType = dtype ?? x.dtype;
    const values = fold && x.constant ? x.constant.map((v) => castNumber(fold(v), outType)) : undefined;
    return [known(outType, x.shape, values)];
  };
}

/** Broadcast shape of the given inputs, or a QuiltError naming the node and the shapes. */
export function broadcastOf(ctx: RuleContext, inputs: readonly Known[]): readonly number[] {
  const shape = broadcastShapes(inputs.map((k) => k.shape));
  if (shape === undefined) {
    throw ctx.error(`cannot broadcast shapes ${inputs.map((k) => `[${k.shape.join(',')}]`).join(' and ')}`);
  }
  return shape;
}

function fold(inputs: readonly Known[], shape: readonly number[], dtype: DType, f: (xs: number[]) => number): number[] | undefined {
  if (!isSmall(shape) || !inputs.every((k) => k.constant !== undefined)) return undefined;
  const n = elementCount(shape);
  const expanded = inputs.map((k) => broadcastValues(k.constant as number[], k.shape, shape));
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = castNumber(f(expanded.map((e) => e[i])), dtype);
  return out;
}

function binary(f?: Fold2, resultType?: DType): ShapeRule {
  return (ctx) => {
    const a = ctx.input(0);
    const b = ctx.input(1);
    const shape = broadcastOf(ctx, [a, b]);
    const dtype = resultType ?? a.dtype;
    return [known(dtype, shape, f ? fold([a, b], shape, dtype, ([x, y]) => f(x, y, a.dtype)) : undefined)];
  };
}

function variadic(f?: (xs: number[]) => number): ShapeRule {
  return (ctx) => {
    const inputs = ctx.inputs.filter((k): k is Known => k !== undefined);
    if (inputs.length === 0) throw ctx.error('needs at least one input');
    const shape = broadcastOf(ctx, inputs);
    return [known(inputs[0].dtype, shape, f ? fold(inputs, shape, inputs[0].dtype, f) : undefined)];
  };
}

const divide: Fold2 = (a, b, dtype) => (isIntegerDType(dtype) ? Math.trunc(a / b) : a / b);
const modulo: Fold2 = (a, b) => a - Math.floor(a / b) * b;

const where: ShapeRule = (ctx) => {
  const [c, x, y] = [ctx.input(0), ctx.input(1), ctx.input(2)];
  const shape = broadcastOf(ctx, [c, x, y]);
  return [known(x.dtype, shape, fold([c, x, y], shape, x.dtype, ([p, a, b]) => (p !== 0 ? a : b)))];
};

const cast: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const to = dtypeFromOnnx(ctx.int('to', 1));
  return [known(to, x.shape, x.constant?.map((v) => castNumber(v, to)))];
};

const castLike: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const to = ctx.input(1).dtype;
  return [known(to, x.shape, x.constant?.map((v) => castNumber(v, to)))];
};

/** Dropout: output plus an optional bool mask of the same shape. */
const dropout: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const out: Known[] = [known(x.dtype, x.shape, x.constant)];
  if (ctx.outputCount > 1) out.push(known('bool', x.shape));
  return out;
};

const isNaNRule = unary(undefined, 'bool');

const same = unary();

export const ELEMENTWISE_RULES: Readonly<Record<string, ShapeRule>> = {
  Identity: unary((x) => x),
  Neg: unary((x) => -x),
  Abs: unary(Math.abs),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Round: unary((x) => { const r = Math.round(x); return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r; }),
  Sqrt: unary(Math.sqrt),
  Relu: unary((x) => Math.max(0, x)),
  Sign: unary(Math.sign),
  Reciprocal: same, Exp: same, Log: same, Sigmoid: same, Tanh: same, Erf: same, Gelu: same,
  LeakyRelu: same, Elu: same, Selu: same, Celu: same, PRelu: binary(), ThresholdedRelu: same,
  HardSigmoid: same, HardSwish: same, Softplus: same, Softsign: same, Mish: same, Clip: same,
  Sin: same, Cos: same, Tan: same, Asin: same, Acos: same, Atan: same, Sinh: same, Cosh: same,
  Softmax: same, LogSoftmax: same, Hardmax: same, CumSum: same, Trilu: same, Shrink: same,
  Not: unary((x) => (x === 0 ? 1 : 0)),
  IsNaN: isNaNRule, IsInf: isNaNRule,
  Cast: cast, CastLike: castLike,
  Dropout: dropout,
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary(divide),
  Mod: binary(modulo),
  Pow: binary((a, b) => a ** b),
  BitShift: binary(),
  Equal: binary((a, b) => (a === b ? 1 : 0), 'bool'),
  Less: binary((a, b) => (a < b ? 1 : 0), 'bool'),
  LessOrEqual: binary((a, b) => (a <= b ? 1 : 0), 'bool'),
  Greater: binary((a, b) => (a > b ? 1 : 0), 'bool'),
  GreaterOrEqual: binary((a, b) => (a >= b ? 1 : 0), 'bool'),
  And: binary((a, b) => (a !== 0 && b !== 0 ? 1 : 0), 'bool'),
  Or: binary((a, b) => (a !== 0 || b !== 0 ? 1 : 0), 'bool'),
  Xor: binary((a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0), 'bool'),
  Max: variadic((xs) => Math.max(...xs)),
  Min: variadic((xs) => Math.min(...xs)),
  Sum: variadic((xs) => xs.reduce((s, x) => s + x, 0)),
  Mean: variadic(),
  Where: where,
};
