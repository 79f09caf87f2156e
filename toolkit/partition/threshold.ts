/**
 * Thresholds: the most device memory one task may demand. Given as bytes (a number or '1048576'), with a unit
 * ('64MiB', '1.5GiB', '2GB'; see units.ts), or as a percentage of the model's peak bytes ('50%').
 */
import { QuiltError } from '../core/errors';
import { parseBytes } from '../core/units';

/** The threshold in whole bytes; a percentage is taken of `peakBytes` (the model's weights + peak activations). */
export function parseThreshold(threshold: string | number, peakBytes: number, what = 'threshold'): number {
  let bytes: number;
  if (typeof threshold === 'string' && threshold.trim().endsWith('%')) {
    const text = threshold.trim().slice(0, -1).trim();
    const percent = /^(\d+(?:\.\d+)?|\.\d+)$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(percent)) {
      throw new QuiltError(`${what}: '${threshold}' is not a percentage (examples: 50%, 12.5%)`);
    }
    bytes = Math.floor((peakBytes * percent) / 100);
  } else {
    bytes = parseBytes(threshold, what);
  }
  if (bytes <= 0) throw new QuiltError(`${what}: '${threshold}' gives ${bytes} bytes; a threshold must be positive`);
  return bytes;
}
