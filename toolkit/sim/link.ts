/**
 * A host-device link as measured: a copy of `bytes` costs a per-copy latency plus its bytes over a bandwidth that
 * depends on the copy's size and on the host memory it comes from (pageable or pinned). Pure functions.
 *
 * From a table of measured copies (size, time) of one direction and one host memory kind:
 *   latency     = the intercept of the straight line through the two smallest measured copies (time against bytes),
 *                 clamped at 0: the fixed cost a copy pays whatever its size.
 *   bandwidth   at a measured size s_i: s_i / (t_i - latency), so the model gives back every measured time exactly;
 *                 between two measured sizes, interpolated linearly in log2(bytes); below the smallest measured size
 *                 the smallest's bandwidth, above the largest the largest's (no extrapolation of a trend).
 *   copy time   = latency + bytes / bandwidth(bytes); 0 bytes cost nothing (no copy is made).
 * A model's weights go up as one copy per initializer (`uploadMs`), so a model of many small tensors pays the
 * latency and the small copies' bandwidth once per tensor.
 */
import { QuiltError } from '../core/errors';

/** Host memory a copy comes from (device-to-host: goes to). */
export type HostMemory = 'pageable' | 'pinned';
export const HOST_MEMORY_KINDS: readonly HostMemory[] = ['pageable', 'pinned'];
/** The host memory a run copies from when no option names one (what onnxruntime-node hands its sessions). */
export const DEFAULT_HOST_MEMORY: HostMemory = 'pageable';

/** `--host-memory`: pageable (the default: what onnxruntime-node hands over) or pinned. */
export function checkHostMemory(text: string | undefined): HostMemory {
  if (text === undefined) return DEFAULT_HOST_MEMORY;
  if (!(HOST_MEMORY_KINDS as readonly string[]).includes(text)) {
    throw new QuiltError(`--host-memory: '${text}' must be one of ${HOST_MEMORY_KINDS.join(', ')}`);
  }
  return text as HostMemory;
}

/** One measured copy. */
export interface CopyPoint {
  readonly bytes: number;
  readonly ms: number;
}

/** A link of one direction and host memory kind, derived from measured copies. */
export interface TableLink {
  readonly latencyMs: number;
  /** Measured sizes, increasing, with the bandwidth (bytes/s) the rule derives at each. */
  readonly points: readonly { readonly bytes: number; readonly bytesPerS: number }[];
}

/** The link the rule above derives from measured copies (at least two, of distinct sizes, each slower than the latency). */
export function tableLink(measured: readonly CopyPoint[], where = 'link'): TableLink {
  const sorted = [...measured].sort((a, b) => a.bytes - b.bytes);
  if (sorted.length < 2) throw new QuiltError(`${where}: needs at least two measured copies (got ${sorted.length})`);
  for (const p of sorted) {
    if (!(p.bytes > 0) || !(p.ms > 0) || !Number.isFinite(p.bytes) || !Number.isFinite(p.ms)) {
      throw new QuiltError(`${where}: a measured copy needs positive bytes and ms (got ${p.bytes} B in ${p.ms} ms)`);
    }
  }
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].bytes === sorted[i - 1].bytes) throw new QuiltError(`${where}: two measured copies of ${sorted[i].bytes} B`);
  }
  const [a, b] = sorted;
  const slope = (b.ms - a.ms) / (b.bytes - a.bytes);
  const latencyMs = Math.max(0, a.ms - slope * a.bytes);
  const points = sorted.map((p) => {
    const transfer = p.ms - latencyMs;
    if (!(transfer > 0)) throw new QuiltError(`${where}: the copy of ${p.bytes} B (${p.ms} ms) is not slower than the latency ${latencyMs} ms`);
    return { bytes: p.bytes, bytesPerS: p.bytes / (transfer / 1000) };
  });
  return { latencyMs, points };
}

/** Bandwidth at `bytes` (bytes/s): the rule's interpolation in log2(bytes) between measured sizes. */
export function bandwidthAt(bytes: number, link: TableLink): number {
  const pts = link.points;
  if (bytes <= pts[0].bytes) return pts[0].bytesPerS;
  const last = pts[pts.length - 1];
  if (bytes >= last.bytes) return last.bytesPerS;
  let i = 1;
  while (pts[i].bytes < bytes) i++;
  const lo = pts[i - 1];
  const hi = pts[i];
  const f = (Math.log2(bytes) - Math.log2(lo.bytes)) / (Math.log2(hi.bytes) - Math.log2(lo.bytes));
  return lo.bytesPerS + f * (hi.bytesPerS - lo.bytesPerS);
}

/** Time of one copy of `bytes` on an idle link, ms. */
export function tableCopyMs(bytes: number, link: TableLink): number {
  if (bytes <= 0) return 0;
  return link.latencyMs + (bytes / bandwidthAt(bytes, link)) * 1000;
}

/** Time to upload a model's weights as one copy per tensor, one after another on an idle link, ms. */
export function uploadMs(tensorBytes: readonly number[], copyMs: (bytes: number) => number): number {
  let sum = 0;
  for (const b of tensorBytes) sum += copyMs(b);
  return sum;
}
