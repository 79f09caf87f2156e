import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { zooCacheDir, zooFileName, zooModelFile } from './cache';
import { findRepoRoot } from '../core/paths';

test('file names carry the batch, the sequence length for transformers, and a non-default seed', () => {
  assert.equal(zooFileName('resnet50'), 'resnet50-b1.onnx');
  assert.equal(zooFileName('vgg16', { batch: 4, seq: 64 }), 'vgg16-b4.onnx');
  assert.equal(zooFileName('bert-base', { batch: 2, seq: 64 }), 'bert-base-b2-s64.onnx');
  assert.equal(zooFileName('gpt2'), 'gpt2-b1-s128.onnx');
  assert.equal(zooFileName('gpt2', { seed: 3 }), 'gpt2-b1-s128-r3.onnx');
});

test('the repository root is found from the compiled folder', () => {
  const root = findRepoRoot(__dirname);
  assert.equal(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).name, 'quilt-toolkit');
  assert.ok(existsSync(path.join(root, 'toolkit', 'zoo')));
});

test('zooModelFile writes into QUILT_CACHE_DIR, reuses the file, and rebuilds a stale one', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quilt-zoo-'));
  const previous = process.env.QUILT_CACHE_DIR;
  process.env.QUILT_CACHE_DIR = path.join(dir, 'nested');
  try {
    assert.equal(zooCacheDir(), path.join(dir, 'nested'));
    const file = await zooModelFile('mobilenetv2', { batch: 2 });
    assert.equal(file, path.join(dir, 'nested', 'mobilenetv2-b2.onnx'));
    assert.deepEqual(readdirSync(path.join(dir, 'nested')).sort(), ['mobilenetv2-b2.onnx', 'mobilenetv2-b2.onnx.json']);
    const session = await ort.InferenceSession.create(file);
    assert.deepEqual(session.inputNames, ['input']);
    await session.release();

    const written = statSync(file).mtimeMs;
    const size = statSync(file).size;
    assert.equal(await zooModelFile('mobilenetv2', { batch: 2 }), file);
    assert.equal(statSync(file).mtimeMs, written);

    writeFileSync(file, 'not a model');
    writeFileSync(`${file}.json`, '{"zooVersion":0}\n');
    assert.equal(await zooModelFile('mobilenetv2', { batch: 2 }), file);
    assert.equal(statSync(file).size, size);
  } finally {
    if (previous === undefined) delete process.env.QUILT_CACHE_DIR;
    else process.env.QUILT_CACHE_DIR = previous;
    rmSync(dir, { recursive: true, force: true });
  }
});
