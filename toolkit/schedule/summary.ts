/**
 * A run's summary row from its request rows and ledger timeline (pure).
 * Latency statistics are over the requests that completed ('ok'); percentiles use the nearest-rank rule
 * (the smallest latency with at least p% of the completed requests at or below it); 0 when none completed.
 * makespan: from the run's start (time 0) to the last request's end. peakResidentBytes: the largest total of
 * the timeline's ordinary samples (an overflow sample records an allocation that failed, so it is left out).
 */
import { RequestRow, SummaryRow, TimelineRow } from '../core/rows';

export interface SummaryLabels {
  readonly policy: string;
  readonly backend: string;
  readonly budgetBytes: number;
}

/** Nearest-rank percentile of `sorted` (ascending), p in (0, 100]; 0 for an empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(
  rows: readonly RequestRow[],
  timeline: readonly TimelineRow[],
  labels: SummaryLabels,
): SummaryRow {
  const ok = rows.filter((r) => r.status === 'ok');
  const latencies = ok.map((r) => r.latencyMs).sort((a, b) => a - b);
  const mean = latencies.length === 0 ? 0 : latencies.reduce((s, x) => s + x, 0) / latencies.length;
  const makespanMs = rows.reduce((m, r) => Math.max(m, r.endMs), 0);
  let peak = 0;
  for (const s of timeline) if (s.oomRequestId === -1) peak = Math.max(peak, s.totalBytes);
  return {
    policy: labels.policy,
    backend: labels.backend,
    budgetBytes: labels.budgetBytes,
    requests: rows.length,
    completed: ok.length,
    failed: rows.length - ok.length,
    oom: rows.filter((r) => r.status === 'oom').length,
    meanLatencyMs: mean,
    p50LatencyMs: percentile(latencies, 50),
    p95LatencyMs: percentile(latencies, 95),
    p99LatencyMs: percentile(latencies, 99),
    makespanMs,
    throughputRps: makespanMs > 0 ? ok.length / (makespanMs / 1000) : 0,
    peakResidentBytes: peak,
    transferBytes: rows.reduce((s, r) => s + r.transferBytes, 0),
  };
}
