/**
 * Numpy-style multidirectional broadcasting: shapes are aligned on the right; each pair of dims must be
 * equal or one of them 1. Also maps an output position back to an input's flat index, for constant folding.
 */
import { elementCount } from '../graph/graph';
export function broadcastShapes(shapes: readonly (readonly number[])[]): readonly number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    const offset = rank - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      const o = out[offset + i];
      if (o === d || d === 1) continue;
      if (o === 1) out[offset + i] = d;
      else return undefined;
    }
  }
  return out;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
  return strides;
}

/** Expands `values` of `from` to the broadcast shape `to` (row-major). */
export function broadcastValues(values: readonly number[], from: readonly number[], to: readonly number[]): number[] {
  const total = elementCount(to);
  const offset = to.length - from.length;
  const fromStrides = stridesOf(from);
  const toStrides = stridesOf(to);
  const out = new Array<number>(total);
  for (let flat = 0; flat < total; flat++) {
    let src = 0;
    for (let i = 0; i < from.length; i++) {
      const coord = Math.floor(flat / toStrides[offset + i]) % to[offset + i];
      if (from[i] !== 1) src += coord * fromStrides[i];
    }
    out[flat] = values[src];
  }
  return out;
}
