import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { backendLabel, backendSlug } from '../runtime/backend';
import { openBackend } from './open';

test('openBackend: sim:<profile> opens the simulated backend, which says so and names its profile', async () => {
  const sim = await openBackend('sim:h100');
  assert.equal(sim.name, 'sim:h100');
  assert.deepEqual(sim.simulated, { profile: 'h100' });
  assert.equal(backendSlug(sim), 'sim-h100');
  assert.equal(backendLabel(sim), 'h100, simulated');
});

test('openBackend: cpu opens onnxruntime\'s cpu backend, not simulated', async () => {
  const cpu = await openBackend('cpu', { lanes: 1 });
  try {
    assert.equal(cpu.simulated, undefined);
    assert.equal(cpu.concurrency, 1);
    assert.equal(backendSlug(cpu), 'cpu');
    assert.equal(backendLabel(cpu), 'cpu');
  } finally {
    await cpu.close?.();
  }
});

test('openBackend: a name that is no backend, or sim: without a profile, is a QuiltError naming the choices', async () => {
  await assert.rejects(openBackend('tpu'), (e: unknown) => e instanceof QuiltError && /auto, cpu, webgpu, cuda, or sim:<profile>/.test(e.message));
  await assert.rejects(openBackend('sim:'), (e: unknown) => e instanceof QuiltError && /names no device profile/.test(e.message));
});
