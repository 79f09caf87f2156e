/**
 * Ops that make tensors from shapes or attributes (Constant, Shape, Size, ConstantOfShape, Range, OneHot)
 * and reductions (Reduce*, ArgMax/ArgMin, TopK). Shape and Size yield constants: they start every
 * shape-computing chain. Reductions fold their contents when the input is a constant and all axes reduce.
 */
import { TensorData, elementCount } from '../../graph/graph';
import { DType } from '../../core/dtype';
import { ShapeRule } from '../context';
import { Known, MAX_CONSTANT_ELEMENTS, decodeTensor, known } from '../known';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function fromTensor(data: TensorData): Known {
  return known(data.dtype, data.dims, decodeTensor(data));
}

/** Constant: `value` (a tensor) or one of the `value_*` shorthand attributes. */
const constant: ShapeRule = (ctx) => {
  const tensor = ctx.tensor('value');
  if (tensor !== undefined) return [fromTensor(tensor)];
  const forms: readonly [string, DType, boolean][] = [
    ['value_float', 'float32', false], ['value_floats', 'float32', true],
    ['value_int', 'int64', false], ['value_ints', 'int64', true],
    ['value_string', 'string', false], ['value_strings', 'string', true],
  ];
  for (const [name, dtype, isList] of forms) {
    const a = ctx.attr(name);
    if (a === undefined) continue;
    if (!isList) return [known(dtype, [], typeof a.value === 'number' ? [a.value] : undefined)];
    const list = a.value as readonly (number | string)[];
    const numbers = list.every((x) => typeof x === 'number') ? (list as number[]) : undefined;
    return [known(dtype, [list.length], numbers)];
  }
  return undefined; // sparse_value or an attribute the loader kept opaque
};

const shapeOf: ShapeRule = (ctx) => {
  const dims = ctx.input(0).shape;
  const rank = dims.length;
  const clamp = (i: number): number => Math.min(Math.max(i < 0 ? i + rank : i, 0), rank);
  const picked = dims.slice(clamp(ctx.int('start', 0)), clamp(ctx.int('end', rank)));
  return [known('int64', [picked.length], picked)];
};

const size: ShapeRule = (ctx) => [known('int64', [], [elementCount(ctx.input(0).shape)])];

const constantOfShape: ShapeRule = (ctx) => {
  const shape = ctx.constant(0);
  if (shape === undefined) return undefined;
  const value = ctx.tensor('value');
  const dtype: DType = value?.dtype ?? 'float32';
  const fill = value ? (decodeTensor(value)?.[0] ?? 0) : 0;
  const n = elementCount(shape);
  return [known(dtype, shape, n <= MAX_CONSTANT_ELEMENTS ? new Array<number>(n).fill(fill) : undefined)];
};

const rangeRule: ShapeRule = (ctx) => {
  const [start, limit, delta] = [ctx.constant(0), ctx.constant(1), ctx.constant(2)];
  if (start === undefined || limit === undefined || delta === undefined) return undefined;
  if (delta[0] === 0) throw ctx.error('delta must not be 0');
  const n = Math.max(Math.ceil((limit[0] - start[0]) / delta[0]), 0);
  const values = n <= MAX_CONSTANT_ELEMENTS ? range(n).map((i) => start[0] + i * delta[0]) : undefined;
  return [known(ctx.input(0).dtype, [n], values)];
};

const oneHot: ShapeRule = (ctx) => {
  const indices = ctx.input(0);
  const depth = ctx.constant(1);
  if (depth === undefined) return undefined;
  const rank = indices.shape.length + 1;
  const axis = ctx.axis(ctx.int('axis', -1), rank);
  const shape = [...indices.shape];
  shape.splice(axis, 0, depth[0]);
  return [known(ctx.input(2).dtype, shape)];
};

type Fold = (xs: number[]) => number;

/** Reduce*: axes from attribute (older opsets) or input 1; keepdims; noop_with_empty_axes. */
function reduce(fold?: Fold): ShapeRule {
  return (ctx) => {
    const x = ctx.input(0);
    const rank = x.shape.length;
    const axesIn = ctx.axesFrom(1);
    if (axesIn === 'unknown') return undefined;
    if ((axesIn === undefined || axesIn.length === 0) && ctx.int('noop_with_empty_axes', 0) === 1) {
      return [known(x.dtype, x.shape, x.constant)];
    }
    const axes = new Set((axesIn === undefined || axesIn.length === 0 ? range(rank) : axesIn).map((a) => ctx.axis(a, rank)));
    const keep = ctx.int('keepdims', 1) === 1;
    const shape = x.shape.flatMap((d, i) => (axes.has(i) ? (keep ? [1] : []) : [d]));
    const all = axes.size === rank;
    const value = fold && all && x.constant ? [fold([...x.constant])] : undefined;
    return [known(x.dtype, shape, value)];
  };
}

const argReduce: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const axis = ctx.axis(ctx.int('axis', 0), x.shape.length);
  const keep = ctx.int('keepdims', 1) === 1;
  return [known('int64', x.shape.flatMap((d, i) => (i === axis ? (keep ? [1] : []) : [d])))];
};

const topK: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const k = ctx.inputCount > 1 ? ctx.constant(1)?.[0] : ctx.int('k', -1);
  if (k === undefined || k < 0) return undefined;
  const axis = ctx.axis(ctx.int('axis', -1), x.shape.length);
  const shape = x.shape.map((d, i) => (i === axis ? k : d));
  return [known(x.dtype, shape), known('int64', shape)];
};

export const TENSOR_RULES: Readonly<Record<string, ShapeRule>> = {
  Constant: constant,
  Shape: shapeOf,
  Size: size,
  ConstantOfShape: constantOfShape,
  Range: rangeRule,
  OneHot: oneHot,
  ReduceMean: reduce(),
  ReduceSum: reduce((xs) => xs.reduce((a, b) => a + b, 0)),
  ReduceProd: reduce((xs) => xs.reduce((a, b) => a * b, 1)),
  ReduceMax: reduce((xs) => Math.max(...xs)),
  ReduceMin: reduce((xs) => Math.min(...xs)),
  ReduceL1: reduce(), ReduceL2: reduce(), ReduceLogSum: reduce(), ReduceLogSumExp: reduce(), ReduceSumSquare: reduce(),
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topK,
};
