/** The link model (link.ts), the host pipeline (host-pipeline.ts) and the fits (fit-terms.ts) on hand-computed cases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { bandwidthAt, checkHostMemory, tableCopyMs, tableLink, uploadMs } from './link';
import { hostPipeline } from './host-pipeline';
import { fitHostPerKernel, fitInterference, fitRoofline, fitUpload, leaveOneOut, rooflineMs, uploadData, uploadModelMs } from './fit-terms';
import { profileCopyTime } from './profile-links';
import { testProfile } from './test-support';

const near = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// (1000 B, 0.002 ms) and (3000 B, 0.004 ms): slope 1e-6 ms/B, latency 0.001 ms; both at 1 GB/s.
// (12000 B, 0.025 ms): 12000 B in 0.024 ms = 0.5 GB/s.
const LINK = tableLink([{ bytes: 12000, ms: 0.025 }, { bytes: 1000, ms: 0.002 }, { bytes: 3000, ms: 0.004 }]);

test('link: latency from the two smallest copies, bandwidth at each measured size, every measured time given back', () => {
  near(LINK.latencyMs, 0.001);
  assert.deepEqual(LINK.points.map((p) => p.bytes), [1000, 3000, 12000]);
  near(LINK.points[0].bytesPerS, 1e9);
  near(LINK.points[1].bytesPerS, 1e9);
  near(LINK.points[2].bytesPerS, 5e8);
  near(tableCopyMs(1000, LINK), 0.002);
  near(tableCopyMs(12000, LINK), 0.025);
});

test('link: log-size interpolation between sizes, nearest bandwidth outside, no copy for 0 bytes', () => {
  // 6000 B lies halfway between 3000 and 12000 in log2: 0.75 GB/s, so 0.001 + 6000 / 7.5e8 s = 0.009 ms.
  near(bandwidthAt(6000, LINK), 7.5e8);
  near(tableCopyMs(6000, LINK), 0.009);
  near(tableCopyMs(500, LINK), 0.001 + 0.0005);
  near(tableCopyMs(24000, LINK), 0.001 + 0.048);
  assert.equal(tableCopyMs(0, LINK), 0);
  near(uploadMs([1000, 3000], (b) => tableCopyMs(b, LINK)), 0.006);
});

test('link: bad tables and host memory kinds are refused', () => {
  assert.throws(() => tableLink([{ bytes: 1000, ms: 0.002 }]), QuiltError);
  assert.throws(() => tableLink([{ bytes: 1000, ms: 0.002 }, { bytes: 1000, ms: 0.003 }]), QuiltError);
  assert.throws(() => tableLink([{ bytes: 1000, ms: 0 }, { bytes: 2000, ms: 0.003 }]), QuiltError);
  // The line through the two smallest has latency 0.002 ms; a larger copy faster than that cannot be priced.
  assert.throws(() => tableLink([{ bytes: 1000, ms: 0.003 }, { bytes: 2000, ms: 0.004 }, { bytes: 4000, ms: 0.001 }]), QuiltError);
  assert.equal(checkHostMemory(undefined), 'pageable');
  assert.equal(checkHostMemory('pinned'), 'pinned');
  assert.throws(() => checkHostMemory('fast'), QuiltError);
});

test('link: a profile picks its table by host memory kind; a flat profile has no pinned link', () => {
  const table = (ms: number) => [{ bytes: 1000, ms, source: 't' }, { bytes: 2000, ms: 2 * ms - 0.001, source: 't' }];
  const tables = { h2d: { pageable: table(0.004), pinned: table(0.002) }, d2h: { pageable: table(0.004), pinned: table(0.002) } };
  const p = testProfile({ linkTables: tables, h2d: undefined, d2h: undefined });
  near(profileCopyTime(p, 'h2d', 'pageable')!(1000), 0.004);
  near(profileCopyTime(p, 'h2d', 'pinned')!(1000), 0.002);
  near(profileCopyTime(testProfile(), 'h2d')!(1e6), 1); // 1 GB/s flat
  assert.throws(() => profileCopyTime(testProfile(), 'h2d', 'pinned'), QuiltError);
});

test('host pipeline: host-bound, device-bound, and operators that launch nothing', () => {
  // H = 2: issues at 2, 4, 6; each 1 ms kernel ends at 3, 5, 7.
  assert.deepEqual(hostPipeline([1, 1, 1], [true, true, true], 2), { aloneMs: 7, deviceMs: 3, hostMs: 4 });
  // H = 1: issues at 1, 2; kernels of 5 end at 6 and 11.
  assert.deepEqual(hostPipeline([5, 5], [true, true], 1), { aloneMs: 11, deviceMs: 10, hostMs: 1 });
  // The middle operator launches nothing: neither its host nor its device time counts.
  assert.deepEqual(hostPipeline([1, 9, 1], [true, false, true], 2), { aloneMs: 5, deviceMs: 2, hostMs: 3 });
  assert.deepEqual(hostPipeline([], [], 2), { aloneMs: 0, deviceMs: 0, hostMs: 0 });
});

test('fits: each recovers the terms that made synthetic figures; the ratio estimator; leave-one-out', () => {
  near(fitInterference([{ aloneMs: 1, besideMs: 1.5 }, { aloneMs: 3, besideMs: 3.3 }]), 0.2);
  assert.throws(() => fitInterference([]));
  const fixed = { memoryBytesPerS: 1e12, kernelLaunchMs: 0.001 };
  const truth = { ...fixed, peakFlopsPerS: 1e12 * 1.02 ** 100, kernelFloorMs: 0.005 };
  const models = [
    [{ flops: 1e9, bytes: 1e3, kernels: 1 }, { flops: 1e6, bytes: 1e3, kernels: 1 }],
    [{ flops: 5e9, bytes: 1e3, kernels: 1 }],
    [{ flops: 1e3, bytes: 1e3, kernels: 1 }, { flops: 1e3, bytes: 1e3, kernels: 1 }, { flops: 2e10, bytes: 1e3, kernels: 1 }],
  ];
  const figures = models.map((ops, i) => ({ name: `m${i}`, data: ops, measured: rooflineMs(ops, truth) }));
  const fit = fitRoofline(figures, fixed);
  near(fit.peakFlopsPerS, truth.peakFlopsPerS, 1e-6);
  near(fit.kernelFloorMs, 0.005, 1e-6);
  const host = [[1, 0.001, 0.001], [0.001, 0.001], [0.5]].map((d, i) => ({ name: `h${i}`, data: { deviceMs: d, launches: d.map(() => true) }, measured: hostPipeline(d, d.map(() => true), 0.02).aloneMs }));
  near(fitHostPerKernel(host), 0.02, 1e-6);
  const copy = (b: number) => 0.001 + b / 1e6;
  const truthUp = { perTensorMs: 0.038, bytesPerS: 1e9 * 1.02 ** 150 };
  const ups = [[1e3, 2e3], [1e6], [10, 10, 10, 10, 10, 1e5]].map((t, i) => ({ name: `u${i}`, data: uploadData(t, copy), measured: uploadModelMs(uploadData(t, copy), truthUp) }));
  const up = fitUpload(ups);
  near(up.perTensorMs, 0.038, 1e-6);
  near(up.bytesPerS, truthUp.bytesPerS, 1e-6);
  // Leave-one-out with a mean as the "fit": each figure is predicted by the mean of the others.
  const loo = leaveOneOut([{ name: 'a', data: 0, measured: 1 }, { name: 'b', data: 0, measured: 2 }, { name: 'c', data: 0, measured: 3 }],
    (rest) => rest.reduce((s, f) => s + f.measured, 0) / rest.length, (mean) => mean);
  assert.deepEqual(loo.map((r) => r.name), ['a', 'b', 'c']);
  near(loo[0].relError, 2.5 / 1 - 1);
  near(loo[1].relError, 2 / 2 - 1);
  near(loo[2].relError, 1.5 / 3 - 1);
});
