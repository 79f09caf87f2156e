/**
 * Matrix products. Gemm: [M,K] x [K,N] -> [M,N] after transA/transB. MatMul follows numpy.matmul: 1-D
 * operands are promoted (a leading / trailing 1 that is dropped again) and batch dims broadcast.
 * Einsum: each letter's size comes from the operands; the output is the explicit `->` part, or the
 * letters that occur once, sorted; `...` stands for broadcast batch dims.
 * LSTM / GRU / RNN: X is [seq, batch, input] (layout 0) or [batch, seq, input] (layout 1); with D directions
 * (2 when bidirectional) and H = hidden_size (else R's last dim), Y is [seq, D, batch, H] (layout 1: [batch,
 * seq, D, H]) and Y_h (and LSTM's Y_c) [D, batch, H] (layout 1: [batch, D, H]).
 */
import { broadcastShapes } from '../broadcast';
import { RuleContext, ShapeRule } from '../context';
import { Known, known } from '../known';

const gemm: ShapeRule = (ctx) => {
  const a = ctx.input(0);
  const b = ctx.input(1);
  if (a.shape.length !== 2 || b.shape.length !== 2) throw ctx.error(`A and B must be 2-D, got [${a.shape}] and [${b.shape}]`);
  const [m, ka] = ctx.int('transA', 0) ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = ctx.int('transB', 0) ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (ka !== kb) throw ctx.error(`inner dims differ: A gives ${ka}, B gives ${kb}`);
  return [known(a.dtype, [m, n])];
};

const matMul: ShapeRule = (ctx) => {
  const dtype = ctx.node.opType === 'MatMulInteger' ? 'int32' : ctx.input(0).dtype;
  return [known(dtype, matMulShape(ctx, ctx.input(0), ctx.input(1)))];
};

/** numpy.matmul's output shape (MatMul, MatMulInteger and QLinearMatMul share it). */
export function matMulShape(ctx: RuleContext, a: Known, b: Known): number[] {
  if (a.shape.length === 0 || b.shape.length === 0) throw ctx.error('operands must not be scalars');
  const left = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const right = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const k1 = left[left.length - 1];
  const k2 = right[right.length - 2];
  if (k1 !== k2) throw ctx.error(`inner dims differ: [${a.shape}] x [${b.shape}]`);
  const batch = broadcastShapes([left.slice(0, -2), right.slice(0, -2)]);
  if (batch === undefined) throw ctx.error(`batch dims do not broadcast: [${a.shape}] x [${b.shape}]`);
  const shape = [...batch];
  if (a.shape.length > 1) shape.push(left[left.length - 2]);
  if (b.shape.length > 1) shape.push(right[right.length - 1]);
  return shape;
}

const einsum: ShapeRule = (ctx) => {
  const equation = ctx.string('equation', '').replace(/\s+/g, '');
  const [lhs, explicit] = equation.split('->');
  const terms = lhs.split(',');
  if (terms.length !== ctx.inputCount) throw ctx.error(`equation '${equation}' names ${terms.length} operands, node has ${ctx.inputCount}`);
  const sizes = new Map<string, number>();
  const counts = new Map<string, number>();
  const ellipses: (readonly number[])[] = [];
  terms.forEach((term, i) => {
    const shape = ctx.input(i).shape;
    const letters = term.replace('...', '');
    const ellipsisRank = shape.length - letters.length;
    if (ellipsisRank < 0 || (ellipsisRank > 0 && !term.includes('...'))) {
      throw ctx.error(`term '${term}' does not fit operand ${i} of shape [${shape}]`);
    }
    let dim = 0;
    for (let c = 0; c < term.length; c++) {
      if (term.startsWith('...', c)) {
        ellipses.push(shape.slice(dim, dim + ellipsisRank));
        dim += ellipsisRank;
        c += 2;
        continue;
      }
      const letter = term[c];
      const size = shape[dim++];
      const prior = sizes.get(letter);
      if (prior === undefined || prior === 1) sizes.set(letter, size);
      else if (size !== prior && size !== 1) throw ctx.error(`letter '${letter}' has sizes ${prior} and ${size}`);
      counts.set(letter, (counts.get(letter) ?? 0) + 1);
    }
  });
  const batch = broadcastShapes(ellipses);
  if (batch === undefined) throw ctx.error(`'...' dims do not broadcast in '${equation}'`);
  const output = explicit ?? ((ellipses.length > 0 ? '...' : '') + [...counts].filter(([, n]) => n === 1).map(([l]) => l).sort().join(''));
  const shape: number[] = [];
  for (let c = 0; c < output.length; c++) {
    if (output.startsWith('...', c)) { shape.push(...batch); c += 2; continue; }
    const size = sizes.get(output[c]);
    if (size === undefined) throw ctx.error(`output letter '${output[c]}' is not in any operand`);
    shape.push(size);
  }
  return [known(ctx.input(0).dtype, shape)];
};

const recurrent: ShapeRule = (ctx) => {
  const x = ctx.input(0);
  if (x.shape.length !== 3) throw ctx.error(`X must be 3-D, got [${x.shape}]`);
  const layout = ctx.int('layout', 0);
  const [seq, batch] = layout === 0 ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
  const directions = ctx.string('direction', 'forward') === 'bidirectional' ? 2 : 1;
  const r = ctx.input(2);
  const hidden = ctx.int('hidden_size', r.shape[r.shape.length - 1]);
  const y = layout === 0 ? [seq, directions, batch, hidden] : [batch, seq, directions, hidden];
  const state = layout === 0 ? [directions, batch, hidden] : [batch, directions, hidden];
  return [known(x.dtype, y), known(x.dtype, state), known(x.dtype, state)].slice(0, Math.max(1, ctx.outputCount));
};

export const LINEAR_RULES: Readonly<Record<string, ShapeRule>> = {
  Gemm: gemm,
  MatMul: matMul,
  MatMulInteger: matMul,
  Einsum: einsum,
  LSTM: recurrent,
  GRU: recurrent,
  RNN: recurrent,
};
