/**
 * Ops that move or select elements without computing new ones: Reshape, Flatten, Transpose, Concat, Split,
 * Slice, Squeeze/Unsqueeze, Expand, Tile, Pad, Gather*, Scatter*, Depth/SpaceToDepth, Resize/Upsample.
 * Shapes that come from an input tensor (Reshape's shape, Slice's starts, Split's sizes...) must be
 * constants; otherwise the rule returns undefined. Contents are carried through when the data is constant.
 */
import { elementCount } from '../../graph/graph';
import { stridesOf, broadcastValues } from '../broadcast';
import { ShapeRule } from '../context';
import { Known, isSmall, known } from '../known';
import { broadcastOf } from './elementwise';

/** Picks `indices[axis]` along every axis (a cartesian product), row-major. */
export function selectByAxes(values: readonly number[], shape: readonly number[], indices: readonly (readonly number[])[]): number[] {
  const strides = stridesOf(shape);
  let offsets = [0];
  for (let axis = 0; axis < shape.length; axis++) {
    const next: number[] = [];
    for (const o of offsets) for (const i of indices[axis]) next.push(o + i * strides[axis]);
    offsets = next;
  }
  return offsets.map((o) => values[o]);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const product = elementCount;

const reshape: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const target = ctx.constant(1) ?? ctx.ints('shape');
  if (target === undefined) return undefined;
  const allowZero = ctx.int('allowzero', 0) === 1;
  const shape = target.map((d, i) => (d === 0 && !allowZero ? x.shape[i] : d));
  const total = product(x.shape);
  const minus = shape.filter((d) => d === -1).length;
  if (minus > 1) throw ctx.error(`shape [${target}] has more than one -1`);
  if (minus === 1) {
    const rest = product(shape.filter((d) => d !== -1));
    if (rest === 0 || total % rest !== 0) throw ctx.error(`cannot reshape [${x.shape}] to [${target}]`);
    shape[shape.indexOf(-1)] = total / rest;
  }
  if (product(shape) !== total || shape.some((d) => d === undefined || d < 0)) {
    throw ctx.error(`cannot reshape [${x.shape}] (${total} elements) to [${target}]`);
  }
  return [known(x.dtype, shape, x.constant)];
};

const flatten: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const rank = x.shape.length;
  const axisAttr = ctx.int('axis', 1);
  const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
  if (axis < 0 || axis > rank) throw ctx.error(`axis ${axisAttr} is out of range for rank ${rank}`);
  return [known(x.dtype, [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))], x.constant)];
};

const transpose: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const perm = ctx.ints('perm') ?? range(x.shape.length).reverse();
  if (perm.length !== x.shape.length) throw ctx.error(`perm [${perm}] does not match rank ${x.shape.length}`);
  const shape = perm.map((p) => x.shape[ctx.axis(p, x.shape.length)]);
  const constant = x.constant && x.shape.length <= 1 ? x.constant : undefined;
  return [known(x.dtype, shape, constant)];
};

const concat: ShapeRule = (ctx) => {
  const inputs = ctx.inputs.filter((k): k is Known => k !== undefined);
  const first = inputs[0];
  const axis = ctx.axis(ctx.int('axis', 0), first.shape.length);
  const shape = [...first.shape];
  shape[axis] = 0;
  for (const k of inputs) {
    if (k.shape.length !== first.shape.length || k.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
      throw ctx.error(`cannot concatenate [${k.shape}] with [${first.shape}] on axis ${axis}`);
    }
    shape[axis] += k.shape[axis];
  }
  let constant: number[] | undefined;
  if (inputs.every((k) => k.constant !== undefined)) {
    const outer = product(first.shape.slice(0, axis));
    constant = [];
    for (let o = 0; o < outer; o++) {
      for (const k of inputs) {
        const chunk = product(k.shape.slice(axis));
        constant.push(...(k.constant as number[]).slice(o * chunk, (o + 1) * chunk));
      }
    }
  }
  return [known(first.dtype, shape, constant)];
};

/** Split: sizes from input 1 (opset 13+), attribute `split`, or `num_outputs` / the output count. */
const split: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const axis = ctx.axis(ctx.int('axis', 0), x.shape.length);
  const dim = x.shape[axis];
  let sizes: readonly number[] | undefined = ctx.has(1) ? ctx.constant(1) : ctx.ints('split');
  if (ctx.has(1) && sizes === undefined) return undefined;
  if (sizes === undefined) {
    const parts = ctx.int('num_outputs', ctx.outputCount);
    const chunk = Math.ceil(dim / parts);
    sizes = range(parts).map((i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (sizes.length !== ctx.outputCount) throw ctx.error(`${sizes.length} split sizes for ${ctx.outputCount} outputs`);
  if (sizes.reduce((a, b) => a + b, 0) !== dim) throw ctx.error(`split sizes [${sizes}] do not add up to dim ${dim} of axis ${axis}`);
  let start = 0;
  return sizes.map((size) => {
    const shape = x.shape.map((d, i) => (i === axis ? size : d));
    const first = start;
    start += size;
    if (!x.constant) return known(x.dtype, shape);
    const picks = x.shape.map((d, i) => (i === axis ? range(size).map((j) => j + first) : range(d)));
    return known(x.dtype, shape, selectByAxes(x.constant, x.shape, picks));
  });
};

/** The indices one axis of Slice keeps (ONNX clamping rules). */
function sliceIndices(dim: number, startIn: number, endIn: number, step: number): number[] {
  let start = startIn < 0 ? startIn + dim : startIn;
  let end = endIn < 0 ? endIn + dim : endIn;
  const picks: number[] = [];
  if (step > 0) {
    start = Math.min(Math.max(start, 0), dim);
    end = Math.min(Math.max(end, 0), dim);
    for (let i = start; i < end; i += step) picks.push(i);
  } else {
    start = Math.min(Math.max(start, 0), dim - 1);
    end = Math.min(Math.max(end, -1), dim - 1);
    for (let i = start; i > end; i += step) picks.push(i);
  }
  return picks;
}

const slice: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const fromInputs = ctx.inputCount > 1;
  const starts = fromInputs ? ctx.constant(1) : ctx.ints('starts');
  const ends = fromInputs ? ctx.constant(2) : ctx.ints('ends');
  const axes = fromInputs ? (ctx.has(3) ? ctx.constant(3) : range(starts?.length ?? 0)) : (ctx.ints('axes') ?? range(starts?.length ?? 0));
  const steps = fromInputs && ctx.has(4) ? ctx.constant(4) : starts?.map(() => 1);
  if (starts === undefined || ends === undefined || axes === undefined || steps === undefined) return undefined;
  const picks = x.shape.map((d) => range(d));
  axes.forEach((a, i) => {
    if (steps[i] === 0) throw ctx.error('step must not be 0');
    const axis = ctx.axis(a, x.shape.length);
    picks[axis] = sliceIndices(x.shape[axis], starts[i], ends[i], steps[i]);
  });
  const shape = picks.map((p) => p.length);
  return [known(x.dtype, shape, x.constant ? selectByAxes(x.constant, x.shape, picks) : undefined)];
};

const unsqueeze: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const axes = ctx.axesFrom(1);
  if (axes === 'unknown') return undefined;
  if (axes === undefined) throw ctx.error('axes are missing');
  const rank = x.shape.length + axes.length;
  const inserted = new Set(axes.map((a) => ctx.axis(a, rank)));
  const shape: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) shape.push(inserted.has(i) ? 1 : x.shape[next++]);
  return [known(x.dtype, shape, x.constant)];
};

const squeeze: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const axes = ctx.axesFrom(1);
  if (axes === 'unknown') return undefined;
  const removed = new Set(axes === undefined
    ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
    : axes.map((a) => ctx.axis(a, x.shape.length)));
  for (const a of removed) if (x.shape[a] !== 1) throw ctx.error(`cannot squeeze axis ${a} of size ${x.shape[a]}`);
  return [known(x.dtype, x.shape.filter((_, i) => !removed.has(i)), x.constant)];
};

const expand: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const target = ctx.constant(1);
  if (target === undefined) return undefined;
  const shape = broadcastOf(ctx, [x, known('int64', target)]);
  return [known(x.dtype, shape, x.constant && isSmall(shape) ? broadcastValues(x.constant, x.shape, shape) : undefined)];
};

const tile: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const repeats = ctx.constant(1);
  if (repeats === undefined) return undefined;
  if (repeats.length !== x.shape.length) throw ctx.error(`repeats [${repeats}] do not match rank ${x.shape.length}`);
  const shape = x.shape.map((d, i) => d * repeats[i]);
  if (!x.constant || !isSmall(shape)) return [known(x.dtype, shape)];
  const picks = shape.map((d, i) => range(d).map((j) => j % x.shape[i]));
  return [known(x.dtype, shape, selectByAxes(x.constant, x.shape, picks))];
};

const pad: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const rank = x.shape.length;
  const pads = ctx.inputCount > 1 ? ctx.constant(1) : (ctx.ints('pads') ?? ctx.ints('paddings'));
  if (pads === undefined) return ctx.inputCount > 1 ? undefined : [known(x.dtype, x.shape)];
  const axesIn = ctx.has(3) ? ctx.constant(3) : range(rank);
  if (axesIn === undefined) return undefined;
  if (pads.length !== 2 * axesIn.length) throw ctx.error(`pads [${pads}] do not match ${axesIn.length} axes`);
  const shape = [...x.shape];
  axesIn.forEach((a, i) => {
    const axis = ctx.axis(a, rank);
    shape[axis] += pads[i] + pads[i + axesIn.length];
  });
  return [known(x.dtype, shape)];
};

const gather: ShapeRule = (ctx) => {
  const data = ctx.input(0);
  const indices = ctx.input(1);
  const axis = ctx.axis(ctx.int('axis', 0), data.shape.length);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  let constant: number[] | undefined;
  if (data.constant && indices.constant) {
    const dim = data.shape[axis];
    const picks = data.shape.map((d) => range(d));
    picks[axis] = indices.constant.map((i) => {
      if (i < -dim || i >= dim) throw ctx.error(`index ${i} is out of range for axis ${axis} of size ${dim}`);
      return i < 0 ? i + dim : i;
    });
    constant = selectByAxes(data.constant, data.shape, picks);
  }
  return [known(data.dtype, shape, constant)];
};

const gatherElements: ShapeRule = (ctx) => [known(ctx.input(0).dtype, ctx.input(1).shape)];

const gatherND: ShapeRule = (ctx) => {
  const data = ctx.input(0);
  const indices = ctx.input(1);
  const batchDims = ctx.int('batch_dims', 0);
  const last = indices.shape[indices.shape.length - 1];
  return [known(data.dtype, [...indices.shape.slice(0, -1), ...data.shape.slice(batchDims + last)])];
};

const likeData: ShapeRule = (ctx) => [known(ctx.input(0).dtype, ctx.input(0).shape)];

const depthToSpace: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const b = ctx.int('blocksize', 1);
  const [n, c, h, w] = x.shape;
  if (ctx.node.opType === 'DepthToSpace') return [known(x.dtype, [n, c / (b * b), h * b, w * b])];
  return [known(x.dtype, [n, c * b * b, h / b, w / b])];
};

/** Resize (sizes or scales input, optional `axes`) and the older Upsample (scales input or attribute). */
const resize: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  const rank = x.shape.length;
  const legacy = ctx.node.opType === 'Upsample' || ctx.opset < 11;
  const scalesIndex = legacy ? 1 : 2;
  const sizes = !legacy && ctx.has(3) ? ctx.constant(3) : undefined;
  const scales = ctx.has(scalesIndex) ? ctx.constant(scalesIndex) : ctx.floats('scales');
  if (ctx.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch') return undefined;
  const axes = (ctx.ints('axes') ?? range(rank)).map((a) => ctx.axis(a, rank));
  const shape = [...x.shape];
  if (sizes !== undefined && sizes.length > 0) {
    axes.forEach((axis, i) => { shape[axis] = sizes[i]; });
  } else if (scales !== undefined && scales.length > 0) {
    axes.forEach((axis, i) => { shape[axis] = Math.floor(x.shape[axis] * scales[i]); });
  } else {
    return undefined;
  }
  return [known(x.dtype, shape)];
};

export const LAYOUT_RULES: Readonly<Record<string, ShapeRule>> = {
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Expand: expand,
  Tile: tile,
  Pad: pad,
  Gather: gather,
  GatherElements: gatherElements,
  GatherND: gatherND,
  ScatterND: likeData,
  ScatterElements: likeData,
  Scatter: likeData,
  DepthToSpace: depthToSpace,
  SpaceToDepth: depthToSpace,
  Resize: resize,
  Upsample: resize,
};
