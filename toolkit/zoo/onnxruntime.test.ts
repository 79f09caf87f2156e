/** Every zoo model, written with writeModel, runs in onnxruntime-node on the cpu backend. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { writeModel } from '../onnx/write';
import { ZOO_MODELS, ZooOptions, buildZooModel } from './registry';
import { ZooFeed, zooInputs } from './inputs';

const OPTIONS: ZooOptions = { batch: 1, seq: 32 };

function toFeeds(feeds: readonly ZooFeed[]): Record<string, ort.Tensor> {
  return Object.fromEntries(feeds.map((f) => [f.name, new ort.Tensor(f.dtype, f.data, f.dims)]));
}

async function session(name: string, options: ZooOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(writeModel(buildZooModel(name, options)));
}

function assertLively(what: string, tensor: ort.Tensor, dims: number[]): Float32Array {
  assert.deepEqual([...tensor.dims], dims, `${what} dims`);
  const data = tensor.data as Float32Array;
  let sum = 0;
  let squares = 0;
  for (const x of data) {
    assert.ok(Number.isFinite(x), `${what} has a non-finite value`);
    sum += x;
    squares += x * x;
  }
  const mean = sum / data.length;
  const std = Math.sqrt(Math.max(0, squares / data.length - mean * mean));
  assert.ok(std > 1e-6, `${what} is constant (std ${std})`);
  return data;
}

const EXPECTED: Record<string, Record<string, number[]>> = {
  'bert-base': { last_hidden_state: [1, 32, 768], pooler_output: [1, 768] },
  gpt2: { logits: [1, 32, 50257] },
};

for (const info of ZOO_MODELS) {
  test(`${info.name} runs on onnxruntime cpu with finite, varied outputs of the right shape`, async () => {
    const s = await session(info.name, OPTIONS);
    try {
      const outputs = await s.run(toFeeds(zooInputs(info.name, OPTIONS, 1)));
      const expected = EXPECTED[info.name] ?? { logits: [1, 1000] };
      assert.deepEqual(Object.keys(outputs).sort(), Object.keys(expected).sort());
      for (const [name, dims] of Object.entries(expected)) assertLively(`${info.name} ${name}`, outputs[name], dims);
    } finally {
      await s.release();
    }
  });
}

/** Runs a transformer twice on ids that differ only in the last token; returns both outputs' data. */
async function lastTokenChanged(name: string, output: string): Promise<[Float32Array, Float32Array]> {
  const options: ZooOptions = { batch: 1, seq: 8 };
  const s = await session(name, options);
  try {
    const [feed] = zooInputs(name, options, 5);
    const changed = BigInt64Array.from(feed.data as BigInt64Array);
    changed[7] = (changed[7] + 1n) % 1000n;
    const a = await s.run(toFeeds([feed]));
    const b = await s.run(toFeeds([{ ...feed, data: changed }]));
    return [a[output].data as Float32Array, b[output].data as Float32Array];
  } finally {
    await s.release();
  }
}

function maxDifference(a: Float32Array, b: Float32Array, from: number, to: number): number {
  let max = 0;
  for (let i = from; i < to; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

test('gpt2 is causal: changing the last token leaves earlier positions\' logits unchanged', async () => {
  const [a, b] = await lastTokenChanged('gpt2', 'logits');
  const vocab = 50257;
  assert.ok(maxDifference(a, b, 0, 7 * vocab) < 1e-5, 'earlier logits moved');
  assert.ok(maxDifference(a, b, 7 * vocab, 8 * vocab) > 1e-4, 'last logits did not move');
});

test('bert-base is bidirectional: changing the last token changes the first position\'s output', async () => {
  const [a, b] = await lastTokenChanged('bert-base', 'last_hidden_state');
  assert.ok(maxDifference(a, b, 0, 768) > 1e-5);
});
