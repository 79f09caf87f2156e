/**
 * Real against simulated, small enough for CI: a three-layer MLP is measured into a profile on the cpu backend
 * (quilt sim calibrate's code), then the same closed-loop workload runs for real and in simulation under three
 * policies. The tolerance is loose (the simulated mean within a factor of 4 of the real one) because CI machines are
 * shared and a task's overhead there varies with load; the validation goal itself (10% mean, 15% p95 on the default
 * workload) is checked by `quilt sim validate`. A profile whose run overhead and model factor are 30 times too large must fail the
 * same check, so the check can fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openBackend } from '../../sim/open';
import { SimBackend } from '../../sim/sim-backend';
import { WorkloadSpec } from '../../workload';
import { calibrateBackend } from './calibrate';
import { compareRuns } from './validate';
import { calibrationMlp } from './mlp.test-helper';
import { runWorkload } from '../run';

test('real against simulated on a tiny workload: mean latency within a factor of 4, per policy', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-simval-'));
  const file = path.join(dir, 'mlp.onnx');
  fs.writeFileSync(file, calibrationMlp(256));
  const workload: WorkloadSpec = {
    name: 'mlp', description: 'test', seed: 5, requests: 16, arrival: { process: 'closed', clients: 2, thinkMs: 0 },
    models: [{ name: 'mlp', model: file, batch: 1, seq: undefined, share: 1, inputValues: {} }],
  };
  const cpu = await openBackend('cpu');
  try {
    const profile = await calibrateBackend({ backend: cpu, workload, repeats: 5 });
    assert.ok(profile.modelFactors?.mlp !== undefined, 'the model got a factor');
    const policies = ['quilt', 'model-level', 'layer-level'];
    const common = { workload, policies, budget: '200%', threshold: '50%', concurrency: 2 };
    const real = await runWorkload({ ...common, backend: cpu });
    const sim = await runWorkload({ ...common, backend: new SimBackend(profile, 'calibrated.json') });
    const v = compareRuns(real, sim);
    assert.deepEqual(Object.keys(v.policies).sort(), [...policies].sort());
    for (const [policy, p] of Object.entries(v.policies)) {
      const ratio = p.simMeanMs / p.realMeanMs;
      assert.ok(ratio > 0.25 && ratio < 4, `${policy}: real ${p.realMeanMs.toFixed(2)} ms, sim ${p.simMeanMs.toFixed(2)} ms`);
    }
    const wrong = {
      ...profile,
      runOverheadMs: { value: profile.runOverheadMs.value * 30, source: 'test' },
      modelFactors: { mlp: { value: profile.modelFactors!.mlp.value * 30, source: 'test' } },
    };
    const off = compareRuns(real, await runWorkload({ ...common, backend: new SimBackend(wrong, 'wrong.json') }));
    assert.ok(Object.values(off.policies).some((p) => p.simMeanMs / p.realMeanMs >= 4), 'a run overhead and model factor 30 times too large should miss');
  } finally {
    await cpu.close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
