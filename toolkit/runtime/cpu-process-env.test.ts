import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CPU_MALLOC_ENV, cpuProcessEnv } from './cpu-process-env';

test('a process without the malloc settings gets both, and keeps the rest of its environment', () => {
  const env = cpuProcessEnv({ PATH: '/bin', OTHER: 'x' });
  assert.ok(env !== undefined);
  assert.equal(env.PATH, '/bin');
  assert.equal(env.OTHER, 'x');
  for (const [key, value] of Object.entries(CPU_MALLOC_ENV)) assert.equal(env[key], value);
});

test('a process that has the settings, or whose user set either one, is left as it is', () => {
  assert.equal(cpuProcessEnv({ ...CPU_MALLOC_ENV }), undefined);
  assert.equal(cpuProcessEnv({ MALLOC_TRIM_THRESHOLD_: '0' }), undefined);
  assert.equal(cpuProcessEnv({ MALLOC_MMAP_THRESHOLD_: '65536' }), undefined);
});
