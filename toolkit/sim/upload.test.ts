/** The sim backend with measured-link profiles: one copy per weight tensor, upload terms, host pipeline, host memory kind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveShapesStatic } from '../shapes';
import { fileOrder } from '../graph/order';
import { propose } from '../partition/propose';
import { SimBackend } from './sim-backend';
import { buildSimTasks } from './task-model';
import { testProfile, tinyNet } from './test-support';
import { QuiltError } from '../core/errors';
import type { SimulatedTaskModel } from '../partition/build';

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
const s = (value: number) => ({ value, source: 'test' });

function taskBytes(): SimulatedTaskModel {
  const graph = resolveShapesStatic(tinyNet());
  return buildSimTasks(propose(graph, fileOrder(graph), { granularity: 'model' }))[0];
}

test('sim backend: weights go up one copy per tensor, each paying the latency and the upload terms', async () => {
  // tinyNet's weights: w 216 B, m 960 B, shape 16 B. Link 1 GB/s with 0.01 ms per copy; 0.1 ms per tensor more;
  // upload bytes at 1 MB/s more.
  const backend = new SimBackend(testProfile({
    h2d: { bytesPerS: s(1e9), latencyMs: s(0.01) }, uploadPerTensorMs: s(0.1), uploadBytesPerS: s(1e6),
  }), 'test.json');
  assert.deepEqual([...backend.costOf(taskBytes()).weightTensorBytes].sort((a, b) => a - b), [16, 216, 960]);
  const clock = backend.startRun();
  await backend.load(taskBytes());
  const bytes = 216 + 960 + 16;
  near(clock.now(), 3 * (0.01 + 0.1) + bytes / 1e6 + bytes / 1e3);
});

test('sim backend: with hostPerKernelMs the device waits for the host; that wait is host time, the rest device work', () => {
  const plain = new SimBackend(testProfile(), 'test.json').costOf(taskBytes());
  const eager = new SimBackend(testProfile({ hostPerKernelMs: s(1) }), 'test.json').costOf(taskBytes());
  // Three launched kernels, each far shorter than 1 ms of host time: the last ends at 3 ms + its own device time.
  near(eager.deviceMs, plain.deviceMs);
  const lastKernel = 0.01 + 1172e-9; // MatMul: launch + 1172 bytes at 1 TB/s
  near(eager.hostMs + eager.deviceMs, 3 + lastKernel);
  assert.equal(plain.hostMs, 0);
});

test('sim backend: --host-memory picks the table; a flat-link profile refuses pinned', async () => {
  const table = (ms: number) => [{ bytes: 1000, ms, source: 't' }, { bytes: 2000, ms: 2 * ms, source: 't' }];
  const tables = { h2d: { pageable: table(0.004), pinned: table(0.001) }, d2h: { pageable: table(0.004), pinned: table(0.001) } };
  const profile = testProfile({ linkTables: tables, h2d: undefined, d2h: undefined });
  for (const [kind, perByte] of [['pageable', 0.004 / 1000], ['pinned', 0.001 / 1000]] as const) {
    const backend = new SimBackend(profile, 'test.json', { hostMemory: kind });
    const clock = backend.startRun();
    await backend.load(taskBytes());
    near(clock.now(), (216 + 960 + 16) * perByte);
    assert.match(backend.device, new RegExp(`${kind} host memory`));
  }
  assert.throws(() => new SimBackend(testProfile(), 'test.json', { hostMemory: 'pinned' }), QuiltError);
});
