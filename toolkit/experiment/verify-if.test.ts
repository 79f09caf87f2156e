/**
 * Verify runs wherever profile runs: an If chosen by an integer input whose untaken branch onnxruntime rejects
 * with the input shape pinned (onnx/if-network-fixture.ts), opened with --input / --input-value as the CLI does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ifNetworkModel } from '../onnx/if-network-fixture';
import { openBackend } from '../sim/open';
import { openAndPartition } from './partition';
import { verifyPlan } from './verify';

test('verify: an If chosen by an integer input, symbolic input dims pinned by --input, both task chains equal the whole', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-verify-if-'));
  const file = path.join(dir, 'if_network.onnx');
  fs.writeFileSync(file, ifNetworkModel());
  const backend = await openBackend('cpu');
  try {
    const request = { inputShapes: { input: [1, 512] }, inputValues: { sr: [16000] } };
    for (const granularity of ['layer', 'model'] as const) {
      const { plan } = await openAndPartition(file, { ...request, granularity });
      const result = await verifyPlan(plan, backend, { inputValues: request.inputValues });
      assert.equal(result.tasks, granularity === 'layer' ? 2 : 1);
      assert.ok(result.ok, `${granularity}: max rel diff ${result.maxRelDiff}`);
      assert.ok(Number.isFinite(result.maxAbsDiff));
    }
  } finally {
    await backend.close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
