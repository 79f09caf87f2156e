import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { CpuBackend } from '../runtime/cpu-backend';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';
import { RealClock } from '../core/clock';
import { Deployment } from './deployment';
import { createPolicy } from './policies';
import { runSchedule } from './scheduler';

/** input -> input * factor, named `output`. */
function scale(input: string, output: string, factor: number): Uint8Array {
  const b = new GraphBuilder(`scale-${output}`);
  b.input(input, 'float32', [2]);
  b.initializer('k', { dtype: 'float32', dims: [1], bytes: new Uint8Array(Float32Array.from([factor]).buffer) });
  b.node('Mul', [input, 'k'], {}, { outputs: [output] });
  b.output(output, 'float32', [2]);
  return writeModel(b.finish());
}

/** A two-task model whose cut tensor stays in the lane (the pool on). */
async function deploy(backend: CpuBackend): Promise<Deployment> {
  const first = await backend.load(scale('x', 'cut', 2), { outputsOnDevice: true });
  const second = await backend.load(scale('cut', 'y', 3));
  const task = (i: number, session: typeof first, inputNames: string[], outputNames: string[]) => ({
    demandBytes: 64, weightBytes: 4, weightsKey: `m/${i}`, session, inputNames, outputNames,
  });
  return {
    model: 'm', granularity: 'quilt', poolBytes: 8, outputNames: ['y'],
    tasks: [task(0, first, ['x'], ['cut']), task(1, second, ['cut'], ['y'])],
  };
}

async function schedule(fault: boolean) {
  const backend = new CpuBackend({ lanes: 1 });
  const deployment = await deploy(backend);
  if (fault) backend.injectFault(0, 'exit');
  const requests = Array.from({ length: 4 }, (_, id) => ({
    id, model: 'm', arrivalMs: 0, makeInputs: () => ({ x: new ort.Tensor('float32', Float32Array.from([id, 1]), [2]) }),
  }));
  try {
    return await runSchedule({
      requests, deployments: new Map([['m', deployment]]), backend, clock: new RealClock(),
      policy: createPolicy('quilt'), budgetBytes: 1 << 20, concurrency: backend.concurrency,
    });
  } finally {
    await backend.close();
  }
}

test('a lane killed mid-task fails only the request it was running, whose row says why; the run goes on', async () => {
  const { rows, summary } = await schedule(true);
  const failed = rows.filter((r) => r.status !== 'ok');
  assert.equal(failed.length, 1);
  assert.equal(failed[0].status, 'error');
  assert.match(failed[0].error, /cpu lane 0 died \(exited with code \d+\)/);
  assert.equal(summary.completed, 3);
});

test('without a fault every request of the same run completes (the test above is not vacuous)', async () => {
  const { rows } = await schedule(false);
  assert.deepEqual(rows.map((r) => r.status), ['ok', 'ok', 'ok', 'ok']);
  assert.deepEqual(rows.map((r) => r.tasks), [2, 2, 2, 2]);
});
