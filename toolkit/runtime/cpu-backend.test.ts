import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { CpuBackend } from './cpu-backend';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';

function scaleModel(factor: number): Uint8Array {
  const b = new GraphBuilder(`scale${factor}`);
  b.input('x', 'float32', [2]);
  b.initializer('k', { dtype: 'float32', dims: [1], bytes: new Uint8Array(Float32Array.from([factor]).buffer) });
  b.output(b.op('Mul', ['x', 'k'], {}, 'mul'), 'float32', [2]);
  return writeModel(b.finish());
}

test('sessions run on every lane and give the right numbers when many runs overlap', async () => {
  const backend = new CpuBackend({ lanes: 2 });
  const double = await backend.load(scaleModel(2));
  const triple = await backend.load(scaleModel(3));
  assert.deepEqual(double.inputNames, ['x']);
  const runs = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? double : triple)
    .run({ x: new ort.Tensor('float32', Float32Array.from([i, 1]), [2]) }));
  const results = await Promise.all(runs);
  results.forEach((out, i) => {
    const data = Array.from((out[Object.keys(out)[0]] as ort.Tensor).data as Float32Array);
    assert.deepEqual(data, [i * (i % 2 === 0 ? 2 : 3), i % 2 === 0 ? 2 : 3]);
  });
  await backend.close();
});

test('a model onnxruntime rejects and a run that fails both surface as errors', async () => {
  const backend = new CpuBackend({ lanes: 1 });
  await assert.rejects(backend.load(new Uint8Array([1, 2, 3])), /could not load the model/);
  const session = await backend.load(scaleModel(2));
  await assert.rejects(session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]) }));
  // The lane is free again after the failure.
  const ok = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2]), [2]) });
  assert.equal(Object.keys(ok).length, 1);
  await backend.close();
});
