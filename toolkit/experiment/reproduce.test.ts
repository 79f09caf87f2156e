/** The paper's comparison (runComparison), on the simulated device so that every run is deterministic and quick. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimBackend } from '../sim/sim-backend';
import { testProfile } from '../sim/test-support';
import { meanRatio, runComparison } from './reproduce';
import { tinyWorkspace } from './tiny-workload.test-helper';

test('runComparison: the main, fits and unlimited runs, and ratios of their mean latencies', async () => {
  const backend = new SimBackend(testProfile(), 'test.json');
  const workspace = await tinyWorkspace();
  const c = await runComparison({ backend, workspace });
  const mean = (r: typeof c.main, policy: string) => r.summaries.find((s) => s.policy === policy)!.meanLatencyMs;
  assert.deepEqual(c.unlimited.summaries.map((s) => s.policy).sort(), ['model-level', 'quilt']);
  assert.deepEqual(c.fits.summaries.map((s) => s.policy).sort(), ['quilt', 'triton-style']);
  assert.ok(c.fits.budgetBytes >= workspace.sumOfPeaksBytes && c.fits.budgetBytes >= c.main.budgetBytes);
  assert.equal(c.ratios.quiltOverModelLevel, mean(c.main, 'quilt') / mean(c.main, 'model-level'));
  assert.equal(c.ratios.quiltOverTritonStyle, mean(c.fits, 'quilt') / mean(c.fits, 'triton-style'));
  assert.equal(c.ratios.quiltOverUnlimited, mean(c.main, 'quilt') / mean(c.unlimited, 'quilt'));
  assert.equal(c.ratios.quiltOverModelLevelUnlimited, mean(c.unlimited, 'quilt') / mean(c.unlimited, 'model-level'));
});

test('meanRatio: null where a policy did not run or took no time', () => {
  const row = (meanLatencyMs: number) => ({ meanLatencyMs }) as Parameters<typeof meanRatio>[0];
  assert.equal(meanRatio(row(3), row(4)), 0.75);
  assert.equal(meanRatio(undefined, row(4)), null);
  assert.equal(meanRatio(row(3), undefined), null);
  assert.equal(meanRatio(row(3), row(0)), null);
});
