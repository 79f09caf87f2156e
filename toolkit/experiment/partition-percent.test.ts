/** `quilt partition --json`'s numbers for a percentage threshold: the bytes, the percent, and what 100% is. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeModel } from '../onnx/write';
import { dbnetLike } from '../onnx/memory-fixtures';
import { cpuRuntimeMemory } from '../runtime/cpu-memory-model';
import { describePartition, openAndPartition } from './partition';

test('partition JSON carries the threshold as bytes and as a percent of the model demand; 100% is feasible with runtime terms (one operator above the whole model: partition/propose.test.ts)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-percent-'));
  try {
    const file = path.join(dir, 'dbnet.onnx');
    fs.writeFileSync(file, writeModel(dbnetLike(160)));
    const runtime = { ...cpuRuntimeMemory({ threads: 1 }), nchwcBlock: 8 };
    const full = describePartition((await openAndPartition(file, { threshold: '100%', runtime })).plan);
    assert.equal(full.thresholdPercent, 100);
    assert.equal(full.threshold, full.modelDemandBytes);
    assert.ok(full.modelDemandBytes >= full.minFeasibleThreshold);
    const half = describePartition((await openAndPartition(file, { threshold: '50%', runtime, granularity: 'layer' })).plan);
    assert.equal(half.modelDemandBytes, full.modelDemandBytes, 'the 100% does not depend on the granularity');
    const asked = describePartition((await openAndPartition(file, { threshold: `${full.threshold}`, runtime })).plan);
    assert.equal(asked.thresholdPercent, 100, 'a threshold in bytes is also reported as a percent');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
