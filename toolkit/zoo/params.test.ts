import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Graph, parameterCount, valueNamed } from '../graph/graph';
import { ZOO_MODELS, buildZooModel } from './registry';
import { dtypeByteSize } from '../core/dtype';

const ALLOWED_OPS = new Set([
  'Conv', 'BatchNormalization', 'Relu', 'Clip', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Mul', 'Sub',
  'Div', 'Pow', 'Sqrt', 'Erf', 'Tanh', 'Concat', 'Flatten', 'Gemm', 'MatMul', 'Reshape', 'Transpose', 'Softmax',
  'LayerNormalization', 'Gather', 'Split', 'Slice', 'Unsqueeze', 'Squeeze', 'Where', 'Constant', 'Cast',
  'DynamicQuantizeLinear', 'ConvInteger',
]);

function opCounts(graph: Graph): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of graph.nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  return counts;
}

for (const info of ZOO_MODELS) {
  test(`${info.name}: parameter count within 1% of the published ${info.publishedParams}, common ops only, opset 17`, () => {
    const graph = buildZooModel(info.name);
    const params = parameterCount(graph);
    const relative = Math.abs(params / info.publishedParams - 1);
    assert.ok(relative < 0.01, `${info.name}: ${params} parameters, ${(relative * 100).toFixed(2)}% from ${info.publishedParams}`);
    for (const op of opCounts(graph).keys()) assert.ok(ALLOWED_OPS.has(op), `${info.name} uses ${op}`);
    assert.deepEqual(graph.opsets, [{ domain: '', version: 17 }]);
    assert.equal(graph.name, info.name);
    for (const v of graph.values) {
      if (v.kind === 'weight') assert.equal(v.data?.bytes.byteLength, v.shape!.reduce<number>((a, d) => a * (d as number), 1) * dtypeByteSize(v.dtype!), v.name);
    }
  });
}

test('structure: layer counts match the published architectures', () => {
  const convs = (name: string): number => opCounts(buildZooModel(name)).get('Conv') ?? 0;
  assert.equal(convs('resnet50'), 53); // 1 stem + 16 blocks x 3 + 4 projections
  assert.equal(convs('vgg16'), 13);
  assert.equal(convs('mobilenetv2'), 52); // stem + 16 x 3 + 1 x 2 (no expansion) + last 1x1
  assert.equal(convs('densenet121'), 120); // stem + 58 layers x 2 + 3 transitions
  assert.equal(convs('inceptionv3'), 94);
  const gemms = opCounts(buildZooModel('vgg16')).get('Gemm');
  assert.equal(gemms, 3);
});

test('gpt2: the LM head reads the token-embedding initializer itself (tied weights)', () => {
  const graph = buildZooModel('gpt2', { seq: 8 });
  const wte = valueNamed(graph, 'wte.weight');
  assert.equal(wte.kind, 'weight');
  const readers = wte.consumers.map((i) => graph.nodes[i].opType).sort();
  assert.deepEqual(readers, ['Gather', 'Gemm']);
  const head = graph.nodes.find((n) => n.name === 'lm_head')!;
  assert.equal(head.opType, 'Gemm');
  assert.equal(head.inputs[1], wte.index);
  assert.equal(head.attributes.get('transB')?.value, 1);
  assert.equal(graph.values.filter((v) => v.kind === 'weight' && v.shape?.[0] === 50257).length, 1);
  assert.equal(graph.nodes.filter((n) => n.opType === 'LayerNormalization').length, 2 * 12 + 1);
  assert.equal(graph.nodes.filter((n) => n.opType === 'Softmax').length, 12);
});

test('bert-base: 12 post-LN layers plus the embedding LayerNorm, and a tanh pooler on the first token', () => {
  const graph = buildZooModel('bert-base', { seq: 8 });
  assert.equal(graph.nodes.filter((n) => n.opType === 'LayerNormalization').length, 1 + 2 * 12);
  assert.equal(graph.nodes.filter((n) => n.opType === 'Erf').length, 12);
  const pooler = graph.nodes[valueNamed(graph, 'pooler_output').producer];
  assert.equal(pooler.opType, 'Tanh');
  assert.deepEqual(graph.outputs.map((i) => graph.values[i].name), ['last_hidden_state', 'pooler_output']);
});
