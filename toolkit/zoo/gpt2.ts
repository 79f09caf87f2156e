/**
 * GPT-2 small (Radford et al. 2019; Hugging Face's GPT2LMHeadModel): token and position embeddings, twelve
 * pre-LN decoder layers (hidden 768, 12 heads, FFN 3072, tanh GELU, LayerNorm epsilon 1e-5) under a causal mask,
 * a final LayerNorm, and the LM head tied to the token embeddings: the head is a Gemm with transB=1 on the same
 * `wte.weight` initializer that the embedding Gather reads, so the matrix is stored once and no transposed copy
 * of it (154 MB at run time, which would otherwise be the model's memory peak) is ever made.
 *
 * Input: int64 `input_ids` [batch, seq]; position ids are a constant 0..seq-1 from which the causal mask is
 * computed in the graph. Output: `logits` [batch, seq, 50257].
 */
import { Graph } from '../graph/graph';
import { NetBuilder } from './net';
import { INIT_STD, LayerShape, causalMask, layerNorm, preLnDecoderLayer } from './transformer-blocks';
import { boundForStd } from './conv-layers';

export const GPT2_SMALL = {
  layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: 50257, maxPositions: 1024, epsilon: 1e-5,
} as const;

export function buildGpt2(batch: number, seq: number, seed: number): Graph {
  const c = GPT2_SMALL;
  const net = new NetBuilder('gpt2', seed);
  const ids = net.input('input_ids', 'int64', [batch, seq]);
  const wte = net.uniform('wte.weight', [c.vocab, c.hidden], boundForStd(INIT_STD));
  const tokens = net.op('Gather', 'wte', [wte, ids], { axis: 0 });
  const positionIds = net.int64('position_ids', [seq], Array.from({ length: seq }, (_, i) => i));
  const positions = net.op('Gather', 'wpe', [net.uniform('wpe.weight', [c.maxPositions, c.hidden], boundForStd(0.01)), positionIds], { axis: 0 });
  let x = net.op('Add', 'embeddings.add', [tokens, positions]);
  const mask = causalMask(net, 'causal_mask', positionIds);
  const shape: LayerShape = { batch, seq, hidden: c.hidden, heads: c.heads, ffn: c.ffn, epsilon: c.epsilon };
  for (let i = 0; i < c.layers; i++) x = preLnDecoderLayer(net, `h.${i}`, x, shape, mask, c.layers);
  x = layerNorm(net, 'ln_f', x, c.hidden, c.epsilon);
  const rows = net.op('Reshape', 'lm_head.flatten', [x, net.ints([batch * seq, c.hidden])]);
  const logits = net.op('Gemm', 'lm_head', [rows, wte], { transB: 1 });
  net.opTo('logits', 'Reshape', 'lm_head.unflatten', [logits, net.ints([batch, seq, c.vocab])]);
  net.output('logits', 'float32', [batch, seq, c.vocab]);
  return net.finish();
}
