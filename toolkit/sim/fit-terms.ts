/**
 * Fitting a device model's global terms to measured figures (pure; the data and the choice of what is fitted to what
 * are the caller's, experiment/calibration/h200-anchors.ts). Every fit minimises the sum of squared log ratios (predicted over
 * measured), so a model twice too slow and one twice too fast weigh the same, by a grid search over stated ranges
 * (a few terms, a handful of figures: a grid is exact enough and cannot wander off). `leaveOneOut` refits without
 * each figure in turn and predicts it: the error of a figure the fit did not see, the honest estimate of how the
 * model predicts what it was not fitted to.
 *
 *   roofline     per operator kernels x launch + max(flops / F, bytes / B, floor): fits F and floor (launch and B given)
 *   host         the host pipeline (host-pipeline.ts) with a per-kernel host cost H: fits H (device times given)
 *   upload       per weight tensor: the link's copy time + a per-tensor overhead o, plus all bytes / U: fits o and U
 *   interference two tasks side by side each stretched 1 + beta: beta = sum of (beside - alone) / sum of alone (the
 *                ratio estimator: the slowdown of the total time)
 */
import { hostPipeline } from './host-pipeline';
import { OpWork } from './op-work';
import { opTimesMs, RooflineParams } from './roofline';

export interface Figure<T> {
  readonly name: string;
  readonly data: T;
  readonly measured: number;
}

function loss<T>(figures: readonly Figure<T>[], predict: (data: T) => number): number {
  let sum = 0;
  for (const f of figures) sum += Math.log(predict(f.data) / f.measured) ** 2;
  return sum;
}

function geometric(from: number, to: number, ratio: number): number[] {
  const out: number[] = [];
  for (let x = from; x <= to * (1 + 1e-12); x *= ratio) out.push(x);
  return out;
}

function linear(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; from + i * step <= to + 1e-15; i++) out.push(from + i * step);
  return out;
}

/** The grid point with the least loss (first one on ties). */
function best<P, T>(grid: readonly P[], figures: readonly Figure<T>[], predict: (p: P, data: T) => number): P {
  let chosen = grid[0];
  let least = Infinity;
  for (const p of grid) {
    const l = loss(figures, (d) => predict(p, d));
    if (l < least) { least = l; chosen = p; }
  }
  return chosen;
}

export interface RooflineFit { readonly peakFlopsPerS: number; readonly kernelFloorMs: number }

/** A model's device time alone under the roofline terms (no factor). */
export function rooflineMs(ops: readonly OpWork[], p: RooflineParams): number {
  return opTimesMs(ops, p).reduce((a, b) => a + b, 0);
}

/** Fits F (1-67 TFLOP/s, steps of 2%) and the floor (0-30 us, steps of 0.25 us) to device times alone. */
export function fitRoofline(figures: readonly Figure<readonly OpWork[]>[], fixed: { memoryBytesPerS: number; kernelLaunchMs: number }): RooflineFit {
  const grid = geometric(1e12, 67e12, 1.02).flatMap((f) => linear(0, 0.03, 0.00025).map((floor) => ({ peakFlopsPerS: f, kernelFloorMs: floor })));
  return best(grid, figures, (p, ops) => rooflineMs(ops, { ...fixed, ...p }));
}

export interface HostData { readonly deviceMs: readonly number[]; readonly launches: readonly boolean[] }

/** Fits the host cost per launched kernel (0-100 us, steps of 0.05 us) to eager times alone. */
export function fitHostPerKernel(figures: readonly Figure<HostData>[]): number {
  return best(linear(0, 0.1, 0.00005), figures, (h, d) => hostPipeline(d.deviceMs, d.launches, h).aloneMs);
}

/** A model's weights for the upload fit: the link's time for its copies (one per tensor), their count and bytes. */
export interface UploadData { readonly copiesMs: number; readonly tensors: number; readonly bytes: number }
export interface UploadFit { readonly perTensorMs: number; readonly bytesPerS: number }

/** Weight tensors as upload data, priced by a link's copy time. */
export function uploadData(tensorBytes: readonly number[], copyMs: (bytes: number) => number): UploadData {
  let copiesMs = 0;
  let bytes = 0;
  for (const b of tensorBytes) { copiesMs += copyMs(b); bytes += b; }
  return { copiesMs, tensors: tensorBytes.length, bytes };
}

/** A model's upload time: one copy per tensor plus the fitted per-tensor overhead and per-byte term. */
export function uploadModelMs(d: UploadData, p: UploadFit): number {
  return d.copiesMs + d.tensors * p.perTensorMs + (d.bytes / p.bytesPerS) * 1000;
}

/** Fits o (0-300 us, steps of 1 us) and U (1-100 GB/s, steps of 2%) to whole-model uploads. */
export function fitUpload(figures: readonly Figure<UploadData>[]): UploadFit {
  const grid = linear(0, 0.3, 0.001).flatMap((o) => geometric(1e9, 100e9, 1.02).map((u) => ({ perTensorMs: o, bytesPerS: u })));
  return best(grid, figures, (p: UploadFit, d: UploadData) => uploadModelMs(d, p));
}

/** The ratio estimator of the interference of two tasks side by side. */
export function fitInterference(pairs: readonly { aloneMs: number; besideMs: number }[]): number {
  let extra = 0;
  let alone = 0;
  for (const p of pairs) { extra += p.besideMs - p.aloneMs; alone += p.aloneMs; }
  if (alone <= 0) throw new Error('fitInterference: no pairs');
  return extra / alone;
}

/** Relative error of each figure predicted by a fit made without it: (predicted - measured) / measured. */
export function leaveOneOut<T, P>(
  figures: readonly Figure<T>[], fit: (rest: readonly Figure<T>[]) => P, predict: (p: P, data: T) => number,
): { name: string; relError: number }[] {
  return figures.map((f) => {
    const p = fit(figures.filter((g) => g !== f));
    return { name: f.name, relError: predict(p, f.data) / f.measured - 1 };
  });
}
