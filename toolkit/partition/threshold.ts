/**
 * Thresholds: the most device memory one task may demand. Given as bytes (a number or '1048576'), with a unit
 * ('64MiB', '1.5GiB', '2GB'; see core/units.ts), as a percentage of the model's demand ('50%'; core/percent.ts),
 * or as a percentage of the model's liveness peak ('50%peak', the older meaning, without the runtime's terms).
 * The model's demand is the one the partitioner checks (propose.ts's `modelDemandBytes`), so '100%' always
 * partitions.
 */
import { QuiltError } from '../core/errors';
import { isPeakPercentText, isPercentText, parsePeakPercent, parsePercent, shareOf } from '../core/percent';
import { parseBytes } from '../core/units';

/**
 * The threshold in whole bytes: a percentage is taken of `demandBytes` (the model's demand with the runtime's terms,
 * see propose.ts), a '%peak' one of `peakBytes` (weights + peak activations by liveness; default `demandBytes`).
 */
export function parseThreshold(threshold: string | number, demandBytes: number, what = 'threshold', peakBytes = demandBytes): number {
  const bytes = isPeakPercentText(threshold) ? shareOf(peakBytes, parsePeakPercent(threshold, what))
    : isPercentText(threshold) ? shareOf(demandBytes, parsePercent(threshold, what)) : parseBytes(threshold, what);
  if (bytes <= 0) throw new QuiltError(`${what}: '${threshold}' gives ${bytes} bytes; a threshold must be positive`);
  return bytes;
}
