/**
 * Time of one task running alone on a device: per operator, a roofline time (the larger of its FLOPs over the
 * device's peak compute for the dtype and its bytes over the memory bandwidth) plus a per-kernel launch cost;
 * plus, once per run, the host overhead of a session run. A per-model calibration factor, where the profile
 * has one, scales the operators' time (not the run overhead). Where the profile prices them, the task's boundary
 * tensors (its inputs and outputs) add their bytes over taskBoundaryBytesPerS (sim-backend.ts's taskCost).
 *
 *   alone(task) = runOverhead + factor x sum over ops (kernels x launch + max(flops / peakFlops, bytes / bandwidth, floor))
 *                 + boundaryBytes / taskBoundaryBytesPerS
 *
 * floor: the least device time of a launched operator (profiles with kernelFloorMs; 0 otherwise). Where the host
 * launches every kernel (profiles with hostPerKernelMs) the host's launches and these device times form a pipeline
 * (host-pipeline.ts). Pure functions, in milliseconds.
 */
import { OpWork } from './op-work';

export interface RooflineParams {
  /** Peak compute in FLOP/s for the task's dtype. */
  readonly peakFlopsPerS: number;
  /** Memory bandwidth in bytes/s. */
  readonly memoryBytesPerS: number;
  /** Launch cost of one kernel in ms. */
  readonly kernelLaunchMs: number;
  /** The least device time of a launched operator's work in ms (a small kernel still takes this long); default 0. */
  readonly kernelFloorMs?: number;
}

/** One operator's time in ms: launches plus the roofline bound. */
export function opTimeMs(work: OpWork, p: RooflineParams): number {
  const compute = work.flops / p.peakFlopsPerS;
  const memory = work.bytes / p.memoryBytesPerS;
  const floor = work.kernels > 0 ? p.kernelFloorMs ?? 0 : 0;
  return work.kernels * p.kernelLaunchMs + Math.max(compute * 1000, memory * 1000, floor);
}

/** The device time of a task's operators in ms (no run overhead), scaled by a calibration factor. */
export function opsTimeMs(ops: readonly OpWork[], p: RooflineParams, factor = 1): number {
  let sum = 0;
  for (const w of ops) sum += opTimeMs(w, p);
  return sum * factor;
}

/** Each operator's device time in ms, scaled by a calibration factor (ops that launch nothing take 0). */
export function opTimesMs(ops: readonly OpWork[], p: RooflineParams, factor = 1): number[] {
  return ops.map((w) => opTimeMs(w, p) * factor);
}
