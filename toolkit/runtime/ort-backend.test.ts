import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { checkBackend, openOrtBackend } from './ort-backend';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';
import { QuiltError } from '../core/errors';

function addOneModel(): Uint8Array {
  const b = new GraphBuilder('add-one');
  b.input('x', 'float32', [3]);
  b.initializer('one', { dtype: 'float32', dims: [1], bytes: new Uint8Array(Float32Array.from([1]).buffer) });
  b.output(b.op('Add', ['x', 'one'], {}, 'add'), 'float32', [3]);
  return writeModel(b.finish());
}

test('the cpu backend loads a model and runs it', async () => {
  const backend = await openOrtBackend('cpu');
  assert.equal(backend.hasDeviceMemory, false);
  const session = await backend.load(addOneModel());
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]) });
  assert.deepEqual(Array.from((out[session.outputNames[0]] as ort.Tensor).data as Float32Array), [2, 3, 4]);
  await session.dispose();
});

test('an unknown backend name is a one-line error listing the choices', async () => {
  await assert.rejects(openOrtBackend('tpu' as never), (e: unknown) => e instanceof QuiltError && /auto, cpu, webgpu, cuda/.test(e.message));
});

test('a backend that cannot run here says how to get it', async () => {
  const problem = await checkBackend('cuda');
  if (problem === undefined) {
    assert.equal((await openOrtBackend('cuda')).name, 'cuda');
  } else {
    await assert.rejects(openOrtBackend('cuda'), (e: unknown) => e instanceof QuiltError && /CUDA provider libraries/.test(e.message));
  }
});
