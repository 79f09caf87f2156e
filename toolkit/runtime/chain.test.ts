import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { CpuBackend } from './cpu-backend';
import { loadChain, runChain } from './chain';
import { TaskModel } from '../partition/build';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';

function scale(task: number, input: string, output: string, factor: number): TaskModel {
  const b = new GraphBuilder(`task${task}`);
  b.input(input, 'float32', [2]);
  b.initializer('k', { dtype: 'float32', dims: [1], bytes: new Uint8Array(Float32Array.from([factor]).buffer) });
  b.node('Mul', [input, 'k'], {}, { outputs: [output] });
  b.output(output, 'float32', [2]);
  return { kind: 'onnx', task, bytes: writeModel(b.finish()), inputNames: [input], outputNames: [output] };
}

const MODELS = [scale(0, 'x', 'cut', 2), scale(1, 'cut', 'y', 3)];

for (const onDevice of [true, false]) {
  test(`a chain with cut tensors ${onDevice ? 'kept in the lane frees them after their last reader' : 'on the host returns them'}`, async () => {
    const backend = new CpuBackend({ lanes: 1 });
    const chain = await loadChain(backend, MODELS, onDevice);
    const x = new ort.Tensor('float32', Float32Array.from([1, 2]), [2]);
    for (let run = 0; run < 2; run++) {
      const out = await runChain(chain, { x });
      assert.deepEqual(Array.from((out.y as ort.Tensor).data as Float32Array), [6, 12]);
      assert.deepEqual(Object.keys(out).sort(), onDevice ? ['x', 'y'] : ['cut', 'x', 'y']);
    }
    await chain.dispose();
    await backend.close();
  });
}
