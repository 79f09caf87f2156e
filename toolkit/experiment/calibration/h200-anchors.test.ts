/** The h200 anchors' figures on hand-computed cases: forward time, replicas' throughput, upload, and the rows' labels. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveShapesStatic } from '../../shapes';
import { fileOrder } from '../../graph/order';
import { propose } from '../../partition/propose';
import { factsOfSpec } from '../../sim/task-cost';
import { buildSimTasks, simTaskOf } from '../../sim/task-model';
import { testProfile, tinyNet } from '../../sim/test-support';
import { forwardMs, h200Anchors, H200Measurements, profileUploadMs, replicaSpeedup } from './h200-anchors';

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
const s = (value: number) => ({ value, source: 'test' });

function facts() {
  const graph = resolveShapesStatic(tinyNet());
  return factsOfSpec(simTaskOf(buildSimTasks(propose(graph, fileOrder(graph), { granularity: 'model' }))[0]));
}

test('forward: device time (plus the host wait where the host launches kernels), never the run overhead', () => {
  const f = facts();
  const device = 0.03 + (1728 + 384 + 1172) * 1e-9; // 3 kernels at 0.01 ms + roofline (test-support's numbers)
  near(forwardMs(f, testProfile()), device);
  near(forwardMs(f, testProfile({ hostPerKernelMs: s(1) })), 3 + 0.01 + 1172e-9);
});

test('replicas: K clients over one by the sharing rule; no gain once the shares fill the device', () => {
  const f = facts();
  // c = 0.5, beta 0: two fit side by side (2x), four stretch 2x (still 2x), eight 4x (2x).
  for (const k of [2, 4, 8]) near(replicaSpeedup(f, testProfile(), k), 2);
  // c = 0.1, beta 0.5: two stretch 1.5x -> 2 / 1.5.
  near(replicaSpeedup(f, testProfile({ taskShare: s(0.1), interference: s(0.5) }), 2), 2 / 1.5);
  // With a host part that is not shared, K clients gain more: host 3 ms (hostPerKernel 1 ms), device d.
  const eager = testProfile({ taskShare: s(0.1), interference: s(0.5), hostPerKernelMs: s(1) });
  const one = forwardMs(f, eager);
  const d = 0.03 + (1728 + 384 + 1172) * 1e-9;
  near(replicaSpeedup(f, eager, 2), (2 * one) / (one - d + 1.5 * d));
});

test('upload: one copy per tensor plus the upload terms; the rows say which numbers were fitted', () => {
  const f = facts();
  // Measured copies 1e6 B in 1.01 ms and 2e6 B in 2.01 ms: latency 0.01 ms, 1 GB/s.
  const table = [{ bytes: 1e6, ms: 1.01, source: 't' }, { bytes: 2e6, ms: 2.01, source: 't' }];
  const linkTables = { h2d: { pageable: table, pinned: table }, d2h: { pageable: table, pinned: table } };
  const profile = testProfile({ linkTables, h2d: undefined, d2h: undefined, uploadPerTensorMs: s(0.1) });
  near(profileUploadMs(f, profile), 3 * 0.11 + (216 + 960 + 16) / 1e6);
  const m: H200Measurements = {
    device: { contextBytes: 100 },
    links: [{ bytes: 1e6, h2dPageableMs: 1, h2dPinnedMs: 1, d2hPageableMs: 1, d2hPinnedMs: 1 }],
    launch: { eagerOpUs: 1, perKernelInGraphUs: 1 },
    pairs: [{ model: 'tiny', beside: 'tiny', aloneMs: 1, besideMs: 1.2, slowdown: 0.2 }],
    models: [{ model: 'tiny', batch: 1, weightBytes: 1192, uploadPageableMs: 1, activationPeakBytes: 400, eager: { medianMs: 1 }, graph: { medianMs: 1 } }],
  };
  const rows = h200Anchors(m, { tiny: { facts: f, gpuPeakBytes: 300, livenessPeakBytes: 384 } }, profile, profile);
  const peak = rows.find((r) => r.quantity.startsWith('activation peak'))!;
  assert.equal(peak.basis, 'predicted');
  near(peak.relError, 300 / 400 - 1);
  assert.equal(rows.find((r) => r.quantity === 'request alone, graph')!.basis, 'fitted');
  // The link row: 1e6 B in 1.01 ms simulated against 1 ms measured.
  near(rows.find((r) => r.quantity === 'copy h2d pageable')!.simulated, 1.01);
  near(rows.find((r) => r.quantity === 'CUDA context')!.relError, -1);
});
