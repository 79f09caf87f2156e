/** The simulated device on the virtual clock, the sim backend's sessions, profiles, and determinism of whole runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VirtualClock } from '../core/clock';
import { writeModel } from '../onnx/write';
import { resolveShapesStatic } from '../shapes';
import { fileOrder } from '../graph/order';
import { propose } from '../partition/propose';
import { findRepoRoot } from '../core/paths';
import { runWorkload } from '../experiment/run';
import { WorkloadSpec } from '../workload';
import { SimDevice } from './device';
import { SimBackend } from './sim-backend';
import { buildSimTasks } from './task-model';
import { listProfiles, loadProfile, parseProfile } from './profile';
import { testProfile, tinyNet } from './test-support';
import { QuiltError } from '../core/errors';

test('device: compute shares the device; copies overlap compute', async () => {
  const clock = new VirtualClock();
  const device = new SimDevice(clock, { interference: 0, h2d: { bytesPerS: 1e9, latencyMs: 0 } });
  const ends: Record<string, number> = {};
  const mark = (name: string) => () => { ends[name] = clock.now(); };
  await Promise.all([
    device.compute(10, 1).then(mark('a')),
    device.compute(10, 1).then(mark('b')),
    device.copy('h2d', 1e6).then(mark('copy')),
  ]);
  assert.deepEqual(ends, { a: 20, b: 20, copy: 1 });
  assert.equal(device.busyMs, 20);
});

test('sim backend: an ONNX task model and its sim description cost the same', async () => {
  const graph = resolveShapesStatic(tinyNet());
  const plan = propose(graph, fileOrder(graph), { granularity: 'model' });
  const backend = new SimBackend(testProfile(), 'test.json');
  const fromOnnx = backend.costOf(writeModel(tinyNet('tiny')));
  const fromSpec = backend.costOf(buildSimTasks(plan)[0]);
  // 3 kernels at 0.01 ms; Conv 1728 FLOPs at 1 TFLOP/s, Relu 384 bytes and MatMul 1172 bytes at 1 TB/s.
  const expected = 0.03 + (1728 + 384 + 1172) * 1e-9;
  assert.ok(Math.abs(fromOnnx.deviceMs - expected) < 1e-12, `${fromOnnx.deviceMs}`);
  assert.equal(fromSpec.deviceMs, fromOnnx.deviceMs);
  assert.equal(fromSpec.weightBytes, fromOnnx.weightBytes);
  assert.equal(fromOnnx.weightBytes, 4 * (54 + 240) + 16);
});

test('sim backend: a run is inputs up, host overhead, device work, outputs down; the pool keeps outputs on the device', async () => {
  const graph = resolveShapesStatic(tinyNet());
  const plan = propose(graph, fileOrder(graph), { granularity: 'model' });
  const backend = new SimBackend(testProfile(), 'test.json');
  const clock = backend.startRun();
  const bytes = buildSimTasks(plan)[0];
  const session = await backend.load(bytes);
  const upload = (4 * (54 + 240) + 16) / 1e6; // weights at 1 GB/s, in ms
  assert.ok(Math.abs(clock.now() - upload) < 1e-12);
  const t0 = clock.now();
  const out = await session.run({ x: backend.tensor('float32', new Float32Array(32), [1, 2, 4, 4]) });
  const expected = 128 / 1e6 + 0.1 + backend.costOf(bytes).deviceMs + 20 / 1e6;
  assert.ok(Math.abs(clock.now() - t0 - expected) < 1e-12, `${clock.now() - t0} vs ${expected}`);
  assert.equal(out.matmul_out.location, 'cpu');
  const kept = await backend.load(bytes, { outputsOnDevice: true });
  const t1 = clock.now();
  const out2 = await kept.run({ x: backend.tensor('float32', null, [1, 2, 4, 4]) });
  assert.equal(out2.matmul_out.location, 'device');
  assert.ok(Math.abs(clock.now() - t1 - (expected - 20 / 1e6)) < 1e-12);
});

test('sim backend: one request alone is its weights up on load, then inputs up, host overhead, device work, outputs down', async () => {
  const graph = resolveShapesStatic(tinyNet());
  const plan = propose(graph, fileOrder(graph), { granularity: 'model' });
  const backend = new SimBackend(testProfile(), 'test.json');
  const task = buildSimTasks(plan)[0];
  const { uploadMs, runMs } = await backend.alone(task);
  assert.ok(Math.abs(uploadMs - (4 * (54 + 240) + 16) / 1e6) < 1e-12, `${uploadMs}`);
  const expected = 128 / 1e6 + 0.1 + backend.costOf(task).deviceMs + 20 / 1e6;
  assert.ok(Math.abs(runMs - expected) < 1e-12, `${runMs} vs ${expected}`);
  // A device without memory of its own uploads nothing; without a d2h link its outputs cost no copy back.
  const host = new SimBackend(testProfile({ hasDeviceMemory: false, d2h: undefined }), 'test.json');
  const onHost = await host.alone(task);
  assert.equal(onHost.uploadMs, 0);
  assert.ok(Math.abs(onHost.runMs - (expected - 20 / 1e6)) < 1e-12, `${onHost.runMs}`);
});

test('sim backend: task boundaries cost their bytes at taskBoundaryBytesPerS; no rate, no cost', () => {
  const graph = resolveShapesStatic(tinyNet());
  const plan = propose(graph, fileOrder(graph), { granularity: 'layer' });
  const tasks = buildSimTasks(plan);
  const plain = new SimBackend(testProfile(), 'test.json');
  const priced = new SimBackend(testProfile({ taskBoundaryBytesPerS: { value: 1e6, source: 'test' } }), 'test.json');
  // Layer tasks: Conv+Relu (x 128 bytes in, 192 out), Reshape (192 in, 192 out), MatMul (192 in, 20 out).
  const boundary = [128 + 192, 192 + 192, 192 + 20];
  assert.equal(tasks.length, boundary.length);
  tasks.forEach((t, i) => {
    const extra = priced.costOf(t).deviceMs - plain.costOf(t).deviceMs;
    assert.ok(Math.abs(extra - boundary[i] / 1e3) < 1e-12, `task ${i}: ${extra} ms`);
  });
});

test('sim backend: on a device without memory, kept outputs stay where the backend keeps them and cross no link', async () => {
  const graph = resolveShapesStatic(tinyNet());
  const plan = propose(graph, fileOrder(graph), { granularity: 'model' });
  const backend = new SimBackend(testProfile({ hasDeviceMemory: false, d2h: undefined }), 'test.json');
  const clock = backend.startRun();
  const bytes = buildSimTasks(plan)[0];
  const session = await backend.load(bytes, { outputsOnDevice: true });
  assert.equal(clock.now(), 0, 'no weights uploaded');
  const out = await session.run({ x: backend.tensor('float32', null, [1, 2, 4, 4]) });
  assert.equal(out.matmul_out.location, 'device');
  const t0 = clock.now();
  // Fed a kept tensor, the run copies nothing in: overhead plus device time only.
  await session.run({ x: { dims: [1, 2, 4, 4], type: 'float32', location: 'device' } });
  assert.ok(Math.abs(clock.now() - t0 - (0.1 + backend.costOf(bytes).deviceMs)) < 1e-12);
  // Negative: fed from the host, it pays the copy (128 bytes at 1 GB/s).
  const t1 = clock.now();
  await session.run({ x: backend.tensor('float32', null, [1, 2, 4, 4]) });
  assert.ok(Math.abs(clock.now() - t1 - (128 / 1e6 + 0.1 + backend.costOf(bytes).deviceMs)) < 1e-12);
});

test('profiles: every shipped profile loads with a source for every number; a number without one is refused', () => {
  const root = findRepoRoot();
  const names = listProfiles(root);
  for (const name of ['h100', 'a100', 'v100']) assert.ok(names.includes(name), `${name} profile missing`);
  for (const name of names) {
    const { profile } = loadProfile(name, root);
    assert.equal(profile.name, name);
    if (profile.hasDeviceMemory) assert.ok(profile.h2d && profile.d2h);
  }
  const raw = JSON.parse(fs.readFileSync(path.join(root, 'datasets', 'devices', 'h100.json'), 'utf8'));
  assert.doesNotThrow(() => parseProfile(raw, 'h100.json'));
  assert.throws(() => parseProfile({ ...raw, memoryBytesPerS: { value: 1e12 } }, 'x.json'), QuiltError);
  assert.throws(() => parseProfile({ ...raw, h2d: undefined }, 'x.json'), QuiltError);
  assert.throws(() => loadProfile('no-such-device', root), QuiltError);
});

function tinyWorkload(dir: string): WorkloadSpec {
  const file = path.join(dir, 'tiny.onnx');
  fs.writeFileSync(file, writeModel(tinyNet()));
  return {
    name: 'tiny', description: 'test', seed: 3, requests: 12, arrival: { process: 'closed', clients: 3, thinkMs: 0 },
    models: [{ name: 'tiny', model: file, batch: 1, seq: undefined, share: 1, inputValues: {} }],
  };
}

test('determinism: the same workload on the same profile gives the same rows to the last digit', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-sim-'));
  const workload = tinyWorkload(dir);
  const run = async () => {
    const backend = new SimBackend(loadProfile('h100', findRepoRoot()).profile, 'h100.json');
    return runWorkload({ workload, backend, policies: ['quilt', 'model-level', 'layer-level'], budget: '200%', threshold: '60%' });
  };
  const a = await run();
  const b = await run();
  assert.equal(a.rows.length, 36);
  assert.ok(a.rows.every((r) => r.status === 'ok' && r.latencyMs > 0));
  assert.equal(JSON.stringify(a.rows), JSON.stringify(b.rows));
  assert.equal(JSON.stringify(a.summaries), JSON.stringify(b.summaries));
  assert.equal(a.backend, 'sim:h100');
  // Negative check: a different profile gives different numbers, so the comparison above can fail.
  const v100 = new SimBackend(loadProfile('v100', findRepoRoot()).profile, 'v100.json');
  const c = await runWorkload({ workload, backend: v100, policies: ['quilt', 'model-level', 'layer-level'], budget: '200%', threshold: '60%' });
  assert.notEqual(JSON.stringify(c.summaries.map((s) => s.meanLatencyMs)), JSON.stringify(a.summaries.map((s) => s.meanLatencyMs)));
  fs.rmSync(dir, { recursive: true, force: true });
});
