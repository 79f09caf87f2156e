/**
 * BERT-base (Devlin et al. 2019; Hugging Face's BertModel with its pooler): word, position and token-type
 * embeddings summed and layer-normalized, twelve post-LN encoder layers (hidden 768, 12 heads, FFN 3072, erf
 * GELU, LayerNorm epsilon 1e-12), and the pooler, dense + tanh on the first ([CLS]) token.
 *
 * Inputs: int64 `input_ids` [batch, seq] only. Every token attends to every other (no padding mask), position
 * ids are a constant 0..seq-1, and every token has token type 0 (row 0 of the token-type table is added).
 * Outputs: `last_hidden_state` [batch, seq, 768] and `pooler_output` [batch, 768].
 */
import { Graph } from '../graph/graph';
import { NetBuilder } from './net';
import { INIT_STD, LayerShape, layerNorm, linear, postLnEncoderLayer } from './transformer-blocks';
import { boundForStd } from './conv-layers';

export const BERT_BASE = {
  layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: 30522, maxPositions: 512, typeVocab: 2, epsilon: 1e-12,
} as const;

export function buildBertBase(batch: number, seq: number, seed: number): Graph {
  const c = BERT_BASE;
  const net = new NetBuilder('bert-base', seed);
  const ids = net.input('input_ids', 'int64', [batch, seq]);
  const bound = boundForStd(INIT_STD);
  const words = net.op('Gather', 'embeddings.word_embeddings',
    [net.uniform('embeddings.word_embeddings.weight', [c.vocab, c.hidden], bound), ids], { axis: 0 });
  const positionIds = net.int64('embeddings.position_ids', [seq], Array.from({ length: seq }, (_, i) => i));
  const positions = net.op('Gather', 'embeddings.position_embeddings',
    [net.uniform('embeddings.position_embeddings.weight', [c.maxPositions, c.hidden], bound), positionIds], { axis: 0 });
  const tokenType = net.op('Gather', 'embeddings.token_type_embeddings',
    [net.uniform('embeddings.token_type_embeddings.weight', [c.typeVocab, c.hidden], bound), net.intScalar(0)], { axis: 0 });
  const summed = net.op('Add', 'embeddings.add_token_type',
    [net.op('Add', 'embeddings.add_position', [words, positions]), tokenType]);
  let x = layerNorm(net, 'embeddings.LayerNorm', summed, c.hidden, c.epsilon);
  const shape: LayerShape = { batch, seq, hidden: c.hidden, heads: c.heads, ffn: c.ffn, epsilon: c.epsilon };
  for (let i = 0; i < c.layers; i++) {
    x = postLnEncoderLayer(net, `encoder.layer.${i}`, x, shape, i === c.layers - 1 ? 'last_hidden_state' : undefined);
  }
  const first = net.op('Gather', 'pooler.first_token', [x, net.intScalar(0)], { axis: 1 });
  const pooled = linear(net, 'pooler.dense', first, c.hidden, c.hidden);
  net.opTo('pooler_output', 'Tanh', 'pooler.activation', [pooled]);
  net.output('last_hidden_state', 'float32', [batch, seq, c.hidden]);
  net.output('pooler_output', 'float32', [batch, c.hidden]);
  return net.finish();
}
