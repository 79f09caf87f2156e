/** Small summary statistics for figures: the mean of plain number arrays (percentiles: core/percentile.ts). */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
