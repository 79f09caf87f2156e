import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { Graph, valueNamed } from '../graph/graph';
import { ZOO_MODELS, buildZooModel, zooInputShapes } from './registry';
import { zooInputs } from './inputs';

function inputShapes(graph: Graph): Record<string, readonly (number | string | null)[] | undefined> {
  return Object.fromEntries(graph.inputs.map((i) => [graph.values[i].name, graph.values[i].shape]));
}

test('an unknown model name throws a QuiltError that lists the zoo', () => {
  assert.throws(() => buildZooModel('resnet18'), (e: unknown) =>
    e instanceof QuiltError && /resnet18/.test(e.message) && ZOO_MODELS.every((m) => e.message.includes(m.name)));
});

test('bad options throw QuiltError naming the model and option', () => {
  assert.throws(() => buildZooModel('mobilenetv2', { batch: 0 }), (e: unknown) => e instanceof QuiltError && /mobilenetv2.*batch/.test(e.message));
  assert.throws(() => zooInputShapes('bert-base', { seq: 513 }), (e: unknown) => e instanceof QuiltError && /bert-base.*seq 513/.test(e.message));
  assert.throws(() => zooInputShapes('gpt2', { seq: 2.5 }), QuiltError);
  assert.doesNotThrow(() => zooInputShapes('gpt2', { seq: 1024 }));
});

test('default input shapes', () => {
  assert.deepEqual(zooInputShapes('resnet50'), { input: [1, 3, 224, 224] });
  assert.deepEqual(zooInputShapes('inceptionv3'), { input: [1, 3, 299, 299] });
  assert.deepEqual(zooInputShapes('gpt2'), { input_ids: [1, 128] });
});

test('batch 2 and seq 64 change the graphs\' input and output shapes', () => {
  const cnn = buildZooModel('mobilenetv2', { batch: 2, seq: 64 });
  assert.deepEqual(inputShapes(cnn), { input: [2, 3, 224, 224] });
  assert.deepEqual(valueNamed(cnn, 'logits').shape, [2, 1000]);
  const bert = buildZooModel('bert-base', { batch: 2, seq: 64 });
  assert.deepEqual(inputShapes(bert), { input_ids: [2, 64] });
  assert.equal(valueNamed(bert, 'input_ids').dtype, 'int64');
  assert.deepEqual(valueNamed(bert, 'last_hidden_state').shape, [2, 64, 768]);
  assert.deepEqual(valueNamed(bert, 'pooler_output').shape, [2, 768]);
  assert.deepEqual(zooInputShapes('bert-base', { batch: 2, seq: 64 }), inputShapes(bert));
  const gpt = buildZooModel('gpt2', { batch: 2, seq: 64 });
  assert.deepEqual(inputShapes(gpt), { input_ids: [2, 64] });
  assert.deepEqual(valueNamed(gpt, 'logits').shape, [2, 64, 50257]);
  assert.deepEqual(valueNamed(gpt, 'position_ids').shape, [64]);
});

test('the same seed gives the same weights; another seed gives others', () => {
  const a = valueNamed(buildZooModel('mobilenetv2', { seed: 7 }), 'features.1.depthwise.weight').data!.bytes;
  const b = valueNamed(buildZooModel('mobilenetv2', { seed: 7 }), 'features.1.depthwise.weight').data!.bytes;
  const c = valueNamed(buildZooModel('mobilenetv2', { seed: 8 }), 'features.1.depthwise.weight').data!.bytes;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('zooInputs: seeded float images and int64 token ids below the vocabulary', () => {
  const [image] = zooInputs('resnet50', { batch: 2 }, 3);
  assert.equal(image.name, 'input');
  assert.equal(image.dtype, 'float32');
  assert.deepEqual(image.dims, [2, 3, 224, 224]);
  const pixels = image.data as Float32Array;
  assert.equal(pixels.length, 2 * 3 * 224 * 224);
  let sum = 0;
  let squares = 0;
  for (const x of pixels) { sum += x; squares += x * x; }
  const mean = sum / pixels.length;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(squares / pixels.length - mean * mean) - 1) < 0.01);
  assert.deepEqual(zooInputs('resnet50', { batch: 2 }, 3)[0].data, pixels);
  assert.notDeepEqual(zooInputs('resnet50', { batch: 2 }, 4)[0].data, pixels);

  const [ids] = zooInputs('gpt2', { batch: 2, seq: 16 }, 1);
  assert.equal(ids.name, 'input_ids');
  assert.equal(ids.dtype, 'int64');
  assert.deepEqual(ids.dims, [2, 16]);
  const tokens = ids.data as BigInt64Array;
  assert.equal(tokens.length, 32);
  assert.ok(tokens.every((t) => t >= 0n && t < 50257n));
  assert.ok(new Set(tokens).size > 16);
});
