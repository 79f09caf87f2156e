import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { CpuBackend } from './cpu-backend';
import { LaneTensor } from './lane-tensor';
import { TensorHandle } from './backend';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';

/** y = x * factor, or with `two`: y = x * factor and z = x * (factor + 1). */
function scaleModel(factor: number, two = false): Uint8Array {
  const b = new GraphBuilder(`scale${factor}`);
  b.input('x', 'float32', [2]);
  b.initializer('k', { dtype: 'float32', dims: [1], bytes: new Uint8Array(Float32Array.from([factor]).buffer) });
  b.output(b.op('Mul', ['x', 'k'], {}, 'mul'), 'float32', [2]);
  if (two) {
    b.initializer('k2', { dtype: 'float32', dims: [1], bytes: new Uint8Array(Float32Array.from([factor + 1]).buffer) });
    b.output(b.op('Mul', ['x', 'k2'], {}, 'mul2'), 'float32', [2]);
  }
  return writeModel(b.finish());
}

const x = (a: number, b: number) => new ort.Tensor('float32', Float32Array.from([a, b]), [2]);
const values = (out: Record<string, TensorHandle>): number[] => Array.from((out[Object.keys(out)[0]] as ort.Tensor).data as Float32Array);

test('sessions run on every lane and give the right numbers when many runs overlap', async () => {
  const backend = new CpuBackend({ lanes: 2 });
  assert.equal(backend.concurrency, 2);
  const double = await backend.load(scaleModel(2));
  const triple = await backend.load(scaleModel(3));
  assert.deepEqual(double.inputNames, ['x']);
  const runs = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? double : triple).run({ x: x(i, 1) }));
  const results = await Promise.all(runs);
  results.forEach((out, i) => assert.deepEqual(values(out), [i * (i % 2 === 0 ? 2 : 3), i % 2 === 0 ? 2 : 3]));
  await backend.close();
});

test('a model onnxruntime rejects and a run that fails both surface as errors', async () => {
  const backend = new CpuBackend({ lanes: 1 });
  await assert.rejects(backend.load(new Uint8Array([1, 2, 3])), /could not load the model/);
  const session = await backend.load(scaleModel(2));
  // The lane's failure comes back as this run's error, naming the input it rejected.
  await assert.rejects(session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]) }), /input: x/);
  // The lane is free again after the failure.
  assert.deepEqual(values(await session.run({ x: x(1, 2) })), [2, 4]);
  await backend.close();
});

test('outputs kept on the device stay in their lane as shapes and feed the next run there', async () => {
  const backend = new CpuBackend({ lanes: 2 });
  const first = await backend.load(scaleModel(2), { outputsOnDevice: true });
  const second = await backend.load(scaleModel(5));
  const cut = Object.values(await first.run({ x: x(1, 2) }))[0];
  assert.ok(cut instanceof LaneTensor);
  assert.equal(cut.location, 'lane');
  assert.deepEqual([cut.type, [...cut.dims]], ['float32', [2]]);
  assert.equal('data' in cut, false);
  const lane = cut.lane;
  assert.deepEqual(values(await second.run({ x: cut })), [10, 20]);
  assert.equal(cut.lane, lane, 'a free lane that holds the input runs it: nothing moved');
  cut.release();
  await assert.rejects(second.run({ x: cut }), /released/);
  await backend.close();
});

test('a resident input held by a busy lane moves to the free lane once, without losing its values', async () => {
  const backend = new CpuBackend({ lanes: 2 });
  const split = await backend.load(scaleModel(2, true), { outputsOnDevice: true });
  const scale = await backend.load(scaleModel(10));
  const out = await split.run({ x: x(1, 2) });
  const [y, z] = split.outputNames.map((n) => out[n] as LaneTensor);
  assert.equal(y.lane, z.lane);
  const home = y.lane;
  // Both runs start at once: the first takes the lane holding y and z, so the second must move z.
  const [fromY, fromZ] = await Promise.all([scale.run({ x: y }), scale.run({ x: z })]);
  assert.deepEqual(values(fromY), [20, 40]);
  assert.deepEqual(values(fromZ), [30, 60]);
  assert.equal(y.lane, home);
  assert.notEqual(z.lane, home, 'z moved to the other lane');
  // Moved once: it now stays where it went.
  assert.deepEqual(values(await scale.run({ x: z })), [30, 60]);
  await backend.close();
});

for (const fault of ['exit', 'throw', 'oom'] as const) {
  test(`a lane that dies mid-task (${fault}) fails that task with a clear error, is replaced, and runs go on`, async () => {
    const backend = new CpuBackend({ lanes: 1, ...(fault === 'oom' ? { laneHeapLimitMb: 48 } : {}) });
    const keep = await backend.load(scaleModel(2), { outputsOnDevice: true });
    const session = await backend.load(scaleModel(3));
    const resident = Object.values(await keep.run({ x: x(1, 1) }))[0];
    backend.injectFault(0, fault);
    await assert.rejects(session.run({ x: x(1, 2) }), (error: unknown) => {
      assert.equal((error as { name?: string }).name, 'LaneCrashError');
      assert.equal((error as { lane?: number }).lane, 0);
      assert.equal((error as { how?: string }).how, { exit: 'exit', throw: 'uncaught error', oom: 'out of memory' }[fault]);
      return true;
    });
    assert.deepEqual(values(await session.run({ x: x(1, 2) })), [3, 6], 'the replacement lane has the session');
    await assert.rejects(session.run({ x: resident }), /lost: cpu lane 0/);
    await backend.close();
  });
}

test('a healthy run is not reported as a crash (the fault test would fail without the fault)', async () => {
  const backend = new CpuBackend({ lanes: 1 });
  const session = await backend.load(scaleModel(3));
  assert.deepEqual(values(await session.run({ x: x(1, 2) })), [3, 6]);
  await backend.close();
});
