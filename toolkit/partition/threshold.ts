/**
 * Thresholds: the most device memory one task may demand. Given as bytes (a number or '1048576'), with a unit
 * ('64MiB', '1.5GiB', '2GB'; see core/units.ts), or as a percentage of the model's peak bytes ('50%';
 * core/percent.ts).
 */
import { QuiltError } from '../core/errors';
import { isPercentText, parsePercent, shareOf } from '../core/percent';
import { parseBytes } from '../core/units';

/** The threshold in whole bytes; a percentage is taken of `peakBytes` (the model's weights + peak activations). */
export function parseThreshold(threshold: string | number, peakBytes: number, what = 'threshold'): number {
  const bytes = isPercentText(threshold) ? shareOf(peakBytes, parsePercent(threshold, what)) : parseBytes(threshold, what);
  if (bytes <= 0) throw new QuiltError(`${what}: '${threshold}' gives ${bytes} bytes; a threshold must be positive`);
  return bytes;
}
