/**
 * Transformer building blocks shared by BERT and GPT-2: linear layers (MatMul on a [in, out] weight, then the
 * bias), LayerNormalization, the two GELUs, multi-head self-attention and the causal mask.
 *
 * Attention stages: project to Q, K, V [batch, seq, hidden]; split heads by Reshape to [batch, seq, heads, d]
 * and Transpose to [batch, heads, seq, d] (K to [batch, heads, d, seq]); scores = Q K^T / sqrt(d), plus the
 * additive mask when there is one; Softmax on the last axis; context = P V; merge heads back to
 * [batch, seq, hidden]. All shapes are concrete: batch and seq are known when the graph is built.
 *
 * Weights are drawn with standard deviation 0.02 (the published initializer range of both models);
 * LayerNorm scales sit near 1 and shifts near 0.
 */
import { NetBuilder } from './net';
import { boundForStd } from './conv-layers';

export const INIT_STD = 0.02;
/** Added to the scores of masked positions; large enough that Softmax gives them zero weight. */
export const MASKED_SCORE = -1e9;

export interface AttentionShape {
  readonly batch: number;
  readonly seq: number;
  readonly hidden: number;
  readonly heads: number;
}

/** x [.., in] times a weight `<name>.weight` [in, out], plus `<name>.bias` [out]. */
export function linear(net: NetBuilder, name: string, x: string, cin: number, cout: number, std = INIT_STD): string {
  const w = net.uniform(`${name}.weight`, [cin, cout], boundForStd(std));
  const b = net.uniform(`${name}.bias`, [cout], boundForStd(std));
  return net.op('Add', `${name}.add_bias`, [net.op('MatMul', name, [x, w]), b]);
}

/** LayerNormalization over the last axis with `<name>.weight` and `<name>.bias`. */
export function layerNorm(net: NetBuilder, name: string, x: string, hidden: number, epsilon: number, output?: string): string {
  const scale = net.around(`${name}.weight`, [hidden], 1, 0.02);
  const shift = net.around(`${name}.bias`, [hidden], 0, 0.02);
  const attrs = { axis: -1, epsilon: { type: 'float' as const, value: epsilon } };
  return output === undefined
    ? net.op('LayerNormalization', name, [x, scale, shift], attrs)
    : net.opTo(output, 'LayerNormalization', name, [x, scale, shift], attrs);
}

/** GELU with the error function: 0.5 x (1 + erf(x / sqrt 2)) (BERT). */
export function geluErf(net: NetBuilder, name: string, x: string): string {
  const scaled = net.op('Div', `${name}.div`, [x, net.scalar(Math.SQRT2)]);
  const erf = net.op('Erf', `${name}.erf`, [scaled]);
  const onePlus = net.op('Add', `${name}.add`, [erf, net.scalar(1)]);
  return net.op('Mul', `${name}.mul_half`, [net.op('Mul', `${name}.mul`, [x, onePlus]), net.scalar(0.5)]);
}

/** GELU with tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (GPT-2's gelu_new). */
export function geluTanh(net: NetBuilder, name: string, x: string): string {
  const cube = net.op('Pow', `${name}.pow`, [x, net.scalar(3)]);
  const inner = net.op('Add', `${name}.add_cube`, [x, net.op('Mul', `${name}.mul_cube`, [cube, net.scalar(0.044715)])]);
  const tanh = net.op('Tanh', `${name}.tanh`, [net.op('Mul', `${name}.mul_scale`, [inner, net.scalar(Math.sqrt(2 / Math.PI))])]);
  const onePlus = net.op('Add', `${name}.add`, [tanh, net.scalar(1)]);
  return net.op('Mul', `${name}.mul_half`, [net.op('Mul', `${name}.mul`, [x, onePlus]), net.scalar(0.5)]);
}

/**
 * The causal mask as an additive [seq, seq] tensor computed in the graph from the positions (int64 [seq]):
 * entry (i, j) is MASKED_SCORE where j > i and 0 elsewhere, via Clip(j - i, 0, 1) * MASKED_SCORE.
 * Computing it keeps the graph free of a seq x seq constant.
 */
export function causalMask(net: NetBuilder, name: string, positions: string): string {
  const p = net.op('Cast', `${name}.cast`, [positions], { to: 1 });
  const row = net.op('Unsqueeze', `${name}.row`, [p, net.ints([0])]);
  const column = net.op('Unsqueeze', `${name}.column`, [p, net.ints([1])]);
  const ahead = net.op('Clip', `${name}.clip`, [net.op('Sub', `${name}.sub`, [row, column]), net.scalar(0), net.scalar(1)]);
  return net.op('Mul', `${name}.mul`, [ahead, net.scalar(MASKED_SCORE)]);
}

/** Scaled dot-product attention over already projected q, k, v [batch, seq, hidden]; returns [batch, seq, hidden]. */
export function attentionCore(
  net: NetBuilder, name: string, q: string, k: string, v: string, shape: AttentionShape, mask?: string,
): string {
  const headDim = shape.hidden / shape.heads;
  const split = net.ints([shape.batch, shape.seq, shape.heads, headDim]);
  const heads = (x: string, which: string, perm: number[]): string =>
    net.op('Transpose', `${name}.${which}.transpose`, [net.op('Reshape', `${name}.${which}.reshape`, [x, split])], { perm });
  const qh = heads(q, 'q', [0, 2, 1, 3]);
  const kh = heads(k, 'k', [0, 2, 3, 1]);
  const vh = heads(v, 'v', [0, 2, 1, 3]);
  let scores = net.op('Mul', `${name}.scale`, [net.op('MatMul', `${name}.scores`, [qh, kh]), net.scalar(1 / Math.sqrt(headDim))]);
  if (mask !== undefined) scores = net.op('Add', `${name}.mask`, [scores, mask]);
  const probs = net.op('Softmax', `${name}.softmax`, [scores], { axis: -1 });
  const context = net.op('MatMul', `${name}.context`, [probs, vh]);
  const merged = net.op('Transpose', `${name}.context.transpose`, [context], { perm: [0, 2, 1, 3] });
  return net.op('Reshape', `${name}.context.reshape`, [merged, net.ints([shape.batch, shape.seq, shape.hidden])]);
}

export interface LayerShape extends AttentionShape {
  /** Width of the feed-forward layer. */
  readonly ffn: number;
  /** LayerNorm epsilon. */
  readonly epsilon: number;
}

/**
 * A post-LN encoder layer (BERT): x1 = LN(x + Attn(x)); out = LN(x1 + FFN(x1)) with an erf GELU.
 * Names follow Hugging Face's BertLayer under `name` (attention.self.query, intermediate.dense, ...); `output`
 * names the layer's output value (a graph output).
 */
export function postLnEncoderLayer(net: NetBuilder, name: string, x: string, shape: LayerShape, output?: string): string {
  const { hidden, ffn, epsilon } = shape;
  const q = linear(net, `${name}.attention.self.query`, x, hidden, hidden);
  const k = linear(net, `${name}.attention.self.key`, x, hidden, hidden);
  const v = linear(net, `${name}.attention.self.value`, x, hidden, hidden);
  const context = attentionCore(net, `${name}.attention.self`, q, k, v, shape);
  const attended = linear(net, `${name}.attention.output.dense`, context, hidden, hidden);
  const x1 = layerNorm(net, `${name}.attention.output.LayerNorm`,
    net.op('Add', `${name}.attention.output.add`, [attended, x]), hidden, epsilon);
  const inner = geluErf(net, `${name}.intermediate.gelu`, linear(net, `${name}.intermediate.dense`, x1, hidden, ffn));
  const out = linear(net, `${name}.output.dense`, inner, ffn, hidden);
  return layerNorm(net, `${name}.output.LayerNorm`, net.op('Add', `${name}.output.add`, [out, x1]), hidden, epsilon, output);
}

/**
 * A pre-LN decoder layer (GPT-2): x1 = x + Attn(LN(x), causal mask); out = x1 + MLP(LN(x1)) with a tanh GELU.
 * Q, K and V come from one fused projection (`attn.c_attn`, [hidden, 3 hidden]) split in three. The two
 * projections back into the residual stream are drawn with std 0.02 / sqrt(2 * layers), as GPT-2 does.
 */
export function preLnDecoderLayer(
  net: NetBuilder, name: string, x: string, shape: LayerShape, mask: string, layers: number,
): string {
  const { hidden, ffn, epsilon } = shape;
  const residualStd = INIT_STD / Math.sqrt(2 * layers);
  const normed = layerNorm(net, `${name}.ln_1`, x, hidden, epsilon);
  const qkv = linear(net, `${name}.attn.c_attn`, normed, hidden, 3 * hidden);
  const [q, k, v] = net.multi('Split', `${name}.attn.split`, [qkv], 3, { axis: -1 });
  const context = attentionCore(net, `${name}.attn`, q, k, v, shape, mask);
  const attended = linear(net, `${name}.attn.c_proj`, context, hidden, hidden, residualStd);
  const x1 = net.op('Add', `${name}.add_attn`, [x, attended]);
  const normed2 = layerNorm(net, `${name}.ln_2`, x1, hidden, epsilon);
  const inner = geluTanh(net, `${name}.mlp.gelu`, linear(net, `${name}.mlp.c_fc`, normed2, hidden, ffn));
  const out = linear(net, `${name}.mlp.c_proj`, inner, ffn, hidden, residualStd);
  return net.op('Add', `${name}.add_mlp`, [x1, out]);
}
