/**
 * The one percentile rule of the toolkit (run summaries, figures, notebooks): nearest rank, the smallest value with
 * at least p% of the values at or below it. NaN for no values (a summary that wants 0 says so itself).
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
