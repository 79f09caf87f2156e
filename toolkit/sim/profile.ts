/**
 * Device profiles: the numbers a simulated device is made of, as data (`datasets/devices/<name>.json`).
 * Every number carries its source (a paper, a data sheet, an MLPerf result, or "measured here, <date>");
 * a profile without a source for a number is refused. Which regime a profile models (runtime, precision,
 * host buffers) is part of the profile (`regime`), because it moves the numbers more than the device does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QuiltError } from '../core/errors';
import { HOST_MEMORY_KINDS, HostMemory, tableLink } from './link';

export interface Sourced {
  readonly value: number;
  readonly source: string;
}

export interface LinkProfile {
  /** Achieved bandwidth, bytes/s. */
  readonly bytesPerS: Sourced;
  /** Fixed cost per copy, ms. */
  readonly latencyMs: Sourced;
}

/** One measured copy with its source. */
export interface SourcedCopy {
  readonly bytes: number;
  readonly ms: number;
  readonly source: string;
}

export type LinkTables = Readonly<Record<'h2d' | 'd2h', Readonly<Record<HostMemory, readonly SourcedCopy[]>>>>;

export interface DeviceProfile {
  readonly name: string;
  /** What device, e.g. 'NVIDIA H100 SXM5 80GB'. */
  readonly title: string;
  /** The runtime, precision and host buffers modelled. */
  readonly regime: string;
  /** Whether weights and inputs must cross a host-device link (false for the CPU, whose memory is the host's). */
  readonly hasDeviceMemory: boolean;
  /** Tasks the scheduler runs at once on this device. */
  readonly concurrency: Sourced;
  /** Peak compute by element type, FLOP/s ('float32' is required). */
  readonly peakFlopsPerS: Readonly<Record<string, Sourced>>;
  readonly memoryBytesPerS: Sourced;
  readonly kernelLaunchMs: Sourced;
  /** Host overhead of one session run, ms (not shared: the host has cores to spare). */
  readonly runOverheadMs: Sourced;
  /** Share c of the device one batch-1 task occupies (see sharing.ts). */
  readonly taskShare: Sourced;
  /** Interference beta per additional running task (see sharing.ts). */
  readonly interference: Sourced;
  /**
   * Optional: bytes/s at which a task's boundary tensors (its inputs and outputs: activations that leave one
   * session and enter the next) are moved in and out of a session, beyond the roofline of its operators. On the
   * cpu backend a session's outputs are copied into new buffers and its inputs converted back into the runtime's
   * layout, and nothing fuses across sessions. Absent: no such cost (the GPU profiles: the roofline already counts
   * every operator's bytes unfused, and kept outputs stay in device memory).
   */
  readonly taskBoundaryBytesPerS?: Sourced;
  /**
   * Optional: the device is this many worker lanes, one task each, each keeping the cut tensors it made (the cpu
   * backend; lanes.ts). Absent: one device whose memory every task shares (the GPU profiles).
   */
  readonly lanes?: Sourced;
  /**
   * Host to device and device to host links (required when hasDeviceMemory and no linkTables). A device without memory of its own
   * may still have an h2d link: the cpu backend copies every task's inputs into its worker lane.
   */
  readonly h2d?: LinkProfile;
  readonly d2h?: LinkProfile;
  /**
   * Optional: measured copies per direction and host memory kind (sim/link.ts turns them into a link); where present
   * they price every copy in place of h2d/d2h, and a run picks the kind (`--host-memory`).
   */
  readonly linkTables?: LinkTables;
  /** Optional: host time per launched kernel when the host launches every kernel (eager; sim/host-pipeline.ts). */
  readonly hostPerKernelMs?: Sourced;
  /** Optional: the least device time of one kernel's work, beyond its launch (roofline.ts); absent: 0. */
  readonly kernelFloorMs?: Sourced;
  /**
   * Optional: what uploading a weight tensor costs beyond its copy (allocating it on the device and the like): a fixed
   * time per tensor, and its bytes over uploadBytesPerS. Absent: the copy alone.
   */
  readonly uploadPerTensorMs?: Sourced;
  readonly uploadBytesPerS?: Sourced;
  /** Optional: device memory the runtime's context takes once per process (shown in budgets, paid by no task). */
  readonly contextBytes?: Sourced;
  /** Per-model factors on the operators' time (by model name), each with where it comes from. */
  readonly modelFactors?: Readonly<Record<string, Sourced>>;
  /** Free text: what was left out, caveats. */
  readonly notes?: readonly string[];
}

function sourced(raw: unknown, where: string, min = 0): Sourced {
  const r = raw as Partial<Sourced> | undefined;
  if (r === undefined || typeof r !== 'object' || r === null) throw new QuiltError(`${where}: missing (expected { value, source })`);
  if (typeof r.value !== 'number' || !Number.isFinite(r.value) || r.value < min) {
    throw new QuiltError(`${where}.value: ${JSON.stringify(r.value)} is not a number >= ${min}`);
  }
  if (typeof r.source !== 'string' || r.source.trim().length === 0) throw new QuiltError(`${where}.source: every number needs its source`);
  return { value: r.value, source: r.source };
}

function positive(raw: unknown, where: string): Sourced {
  const s = sourced(raw, where);
  if (s.value <= 0) throw new QuiltError(`${where}.value: ${s.value} must be positive`);
  return s;
}

function link(raw: unknown, where: string): LinkProfile {
  const r = (raw ?? {}) as Record<string, unknown>;
  if (raw === undefined) throw new QuiltError(`${where}: missing (a device with its own memory needs its link)`);
  return { bytesPerS: positive(r.bytesPerS, `${where}.bytesPerS`), latencyMs: sourced(r.latencyMs, `${where}.latencyMs`) };
}

function linkTablesOf(raw: unknown, where: string): LinkTables {
  const r = raw as Record<string, Record<string, unknown>> | null;
  if (typeof r !== 'object' || r === null) throw new QuiltError(`${where}: not an object`);
  const direction = (d: 'h2d' | 'd2h') => Object.fromEntries(HOST_MEMORY_KINDS.map((kind) => {
    const list = r[d]?.[kind];
    if (!Array.isArray(list)) throw new QuiltError(`${where}.${d}.${kind}: missing (a list of { bytes, ms, source })`);
    const copies = list.map((c: Partial<SourcedCopy>, i: number) => {
      if (typeof c?.source !== 'string' || c.source.trim().length === 0) throw new QuiltError(`${where}.${d}.${kind}[${i}].source: every number needs its source`);
      return { bytes: Number(c.bytes), ms: Number(c.ms), source: c.source };
    });
    tableLink(copies, `${where}.${d}.${kind}`);
    return [kind, copies];
  })) as Record<HostMemory, SourcedCopy[]>;
  return { h2d: direction('h2d'), d2h: direction('d2h') };
}

function lanesOf(raw: unknown, where: string): Sourced {
  const s = positive(raw, where);
  if (!Number.isInteger(s.value)) throw new QuiltError(`${where}.value must be an integer`);
  return s;
}

/** Checks a parsed profile; `where` names the file in errors. */
export function parseProfile(raw: unknown, where: string): DeviceProfile {
  const r = raw as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) throw new QuiltError(`${where}: not a JSON object`);
  for (const key of ['name', 'title', 'regime']) {
    if (typeof r[key] !== 'string' || (r[key] as string).length === 0) throw new QuiltError(`${where}: '${key}' must be a non-empty string`);
  }
  if (typeof r.hasDeviceMemory !== 'boolean') throw new QuiltError(`${where}: 'hasDeviceMemory' must be true or false`);
  const peaks = (r.peakFlopsPerS ?? {}) as Record<string, unknown>;
  if (peaks.float32 === undefined) throw new QuiltError(`${where}: peakFlopsPerS.float32 is required`);
  const concurrency = positive(r.concurrency, `${where}: concurrency`);
  if (!Number.isInteger(concurrency.value)) throw new QuiltError(`${where}: concurrency.value must be an integer`);
  const factors = (r.modelFactors ?? {}) as Record<string, unknown>;
  return {
    name: r.name as string,
    title: r.title as string,
    regime: r.regime as string,
    hasDeviceMemory: r.hasDeviceMemory as boolean,
    concurrency,
    peakFlopsPerS: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, positive(v, `${where}: peakFlopsPerS.${k}`)])),
    memoryBytesPerS: positive(r.memoryBytesPerS, `${where}: memoryBytesPerS`),
    kernelLaunchMs: sourced(r.kernelLaunchMs, `${where}: kernelLaunchMs`),
    runOverheadMs: sourced(r.runOverheadMs, `${where}: runOverheadMs`),
    taskShare: positive(r.taskShare, `${where}: taskShare`),
    interference: sourced(r.interference, `${where}: interference`),
    ...(r.lanes !== undefined ? { lanes: lanesOf(r.lanes, `${where}: lanes`) } : {}),
    ...(r.taskBoundaryBytesPerS !== undefined ? { taskBoundaryBytesPerS: positive(r.taskBoundaryBytesPerS, `${where}: taskBoundaryBytesPerS`) } : {}),
    ...((r.hasDeviceMemory && r.linkTables === undefined) || r.h2d !== undefined ? { h2d: link(r.h2d, `${where}: h2d`) } : {}),
    ...((r.hasDeviceMemory && r.linkTables === undefined) || r.d2h !== undefined ? { d2h: link(r.d2h, `${where}: d2h`) } : {}),
    ...(r.linkTables !== undefined ? { linkTables: linkTablesOf(r.linkTables, `${where}: linkTables`) } : {}),
    ...(r.hostPerKernelMs !== undefined ? { hostPerKernelMs: sourced(r.hostPerKernelMs, `${where}: hostPerKernelMs`) } : {}),
    ...(r.kernelFloorMs !== undefined ? { kernelFloorMs: sourced(r.kernelFloorMs, `${where}: kernelFloorMs`) } : {}),
    ...(r.uploadPerTensorMs !== undefined ? { uploadPerTensorMs: sourced(r.uploadPerTensorMs, `${where}: uploadPerTensorMs`) } : {}),
    ...(r.uploadBytesPerS !== undefined ? { uploadBytesPerS: positive(r.uploadBytesPerS, `${where}: uploadBytesPerS`) } : {}),
    ...(r.contextBytes !== undefined ? { contextBytes: sourced(r.contextBytes, `${where}: contextBytes`) } : {}),
    modelFactors: Object.fromEntries(Object.entries(factors).map(([k, v]) => [k, positive(v, `${where}: modelFactors.${k}`)])),
    notes: Array.isArray(r.notes) ? r.notes.map(String) : [],
  };
}

/** datasets/devices under the repository root. */
export function devicesDir(repoRoot: string): string {
  return path.join(repoRoot, 'datasets', 'devices');
}

/** The profiles shipped in datasets/devices (their names). */
export function listProfiles(repoRoot: string): string[] {
  const dir = devicesDir(repoRoot);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** Loads a profile by name (datasets/devices/<name>.json) or by path to a .json file. */
export function loadProfile(nameOrFile: string, repoRoot: string): { profile: DeviceProfile; file: string } {
  const file = nameOrFile.endsWith('.json') ? path.resolve(nameOrFile) : path.join(devicesDir(repoRoot), `${nameOrFile}.json`);
  if (!fs.existsSync(file)) {
    throw new QuiltError(`device profile '${nameOrFile}' not found (${file}); profiles here: ${listProfiles(repoRoot).join(', ') || 'none'}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new QuiltError(`${file}: not valid JSON`);
  }
  return { profile: parseProfile(raw, file), file };
}
