/** Each term of the device model on tiny hand-built cases with known answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveShapesStatic } from '../shapes';
import { opWork, VIEW_OPS } from './op-work';
import { opTimeMs, opsTimeMs } from './roofline';
import { ProcessorSharing, stretch } from './sharing';
import { CopyEngine, copyMs } from './copy-engine';
import { tinyNet } from './test-support';

test('op work: FLOPs, bytes and kernels of Conv, Relu, Reshape and MatMul', () => {
  const g = resolveShapesStatic(tinyNet());
  const work = Object.fromEntries(g.nodes.map((n) => [n.opType, opWork(g, n)]));
  assert.deepEqual(work.Conv, { flops: 2 * 48 * 18, bytes: 4 * (32 + 54 + 48), kernels: 1 });
  assert.deepEqual(work.Relu, { flops: 48, bytes: 4 * 96, kernels: 1 });
  assert.deepEqual(work.Reshape, { flops: 0, bytes: 0, kernels: 0 });
  assert.deepEqual(work.MatMul, { flops: 2 * 5 * 48, bytes: 4 * (48 + 240 + 5), kernels: 1 });
  assert.ok(VIEW_OPS.has('Reshape') && !VIEW_OPS.has('Relu'));
});

test('roofline: the larger of compute and memory time, plus launches', () => {
  const p = { peakFlopsPerS: 1e12, memoryBytesPerS: 1e12, kernelLaunchMs: 0.01 };
  assert.equal(opTimeMs({ flops: 2e9, bytes: 1e9, kernels: 1 }, p), 0.01 + 2); // compute-bound: 2 ms
  assert.equal(opTimeMs({ flops: 1e9, bytes: 3e9, kernels: 1 }, p), 0.01 + 3); // memory-bound: 3 ms
  assert.equal(opTimeMs({ flops: 0, bytes: 0, kernels: 0 }, p), 0);
  assert.equal(opsTimeMs([{ flops: 2e9, bytes: 0, kernels: 1 }, { flops: 0, bytes: 1e9, kernels: 2 }], p, 2), 2 * (2.01 + 1.02));
});

test('sharing: no stretch while shares fit, proportional beyond, interference per extra task', () => {
  assert.equal(stretch([], { interference: 0.1 }), 1);
  assert.equal(stretch([0.3], { interference: 0.1 }), 1);
  assert.equal(stretch([0.5, 0.5], { interference: 0 }), 1);
  assert.equal(stretch([0.75, 0.75], { interference: 0 }), 1.5);
  assert.ok(Math.abs(stretch([0.2, 0.2, 0.2], { interference: 0.1 }) - 1.2) < 1e-12);
});

test('processor sharing: completion times move when tasks start and end', () => {
  // A (10 ms alone, share 1) at 0; B (4 ms alone, share 1) at 2. Alone until 2 (A has 8 left); together each runs
  // at half speed, so B ends at 2 + 8 = 10 with A at 4 left; alone again, A ends at 14.
  const ps = new ProcessorSharing({ interference: 0 });
  ps.add(1, 10, 1, 0);
  assert.deepEqual(ps.nextCompletion(), { id: 1, atMs: 10 });
  ps.add(2, 4, 1, 2);
  assert.deepEqual(ps.nextCompletion(), { id: 2, atMs: 10 });
  assert.deepEqual(ps.finishDue(10), [2]);
  assert.deepEqual(ps.nextCompletion(), { id: 1, atMs: 14 });
  assert.deepEqual(ps.finishDue(14), [1]);
  assert.equal(ps.nextCompletion(), undefined);
});

test('processor sharing: small shares run side by side, finishing nothing early', () => {
  const ps = new ProcessorSharing({ interference: 0 });
  ps.add(1, 5, 0.25, 0);
  ps.add(2, 5, 0.25, 0);
  assert.deepEqual(ps.finishDue(4.9), []);
  assert.deepEqual(ps.finishDue(5), [1, 2]);
});

test('copy engine: latency plus bytes over bandwidth, one copy after another', () => {
  const link = { bytesPerS: 1e9, latencyMs: 0.5 };
  assert.equal(copyMs(1e6, link), 1.5);
  assert.equal(copyMs(0, link), 0);
  const e = new CopyEngine(link);
  assert.equal(e.issue(1e6, 0), 1.5);
  assert.equal(e.issue(1e6, 0), 3); // queued behind the first
  assert.equal(e.issue(1e6, 10), 11.5); // idle engine
  assert.equal(e.issue(0, 20), 20);
});
