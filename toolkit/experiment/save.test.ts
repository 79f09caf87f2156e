import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { saveExperimentCsv } from './save';
import { ExperimentResult } from './run';

function result(simulated?: { profile: string }): ExperimentResult {
  return {
    workload: { name: 'w', seed: 1 } as ExperimentResult['workload'], backend: simulated ? `sim:${simulated.profile}` : 'cpu', simulated,
    device: 'd', budgetBytes: 100, concurrency: 1, models: [], rows: [], timeline: [], summaries: [], notRun: [],
  } as ExperimentResult;
}

test('saved results say whether they are simulated, and on which profile, from the backend\'s own description', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-save-'));
  try {
    const meta = (files: string[]) => JSON.parse(fs.readFileSync(files.find((f) => f.endsWith('-summary.csv.meta.json'))!, 'utf8'));
    const sim = meta(saveExperimentCsv(result({ profile: 'h100' }), path.join(dir, 'sim')));
    assert.equal(sim.simulated, true);
    assert.equal(sim.deviceProfile, 'h100');
    const real = meta(saveExperimentCsv(result(), path.join(dir, 'real')));
    assert.equal(real.simulated, false);
    assert.equal(real.deviceProfile, undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
