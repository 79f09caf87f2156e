/**
 * A run's summary row from its request rows and ledger timeline (pure).
 * Latency statistics are over the requests that completed ('ok'); percentiles are core/percentile.ts's (nearest
 * rank); 0 when none completed.
 * makespan: from the run's start (time 0) to the last request's end. peakResidentBytes: the largest total of
 * the timeline's ordinary samples (an overflow sample records an allocation that failed, so it is left out).
 */
import { percentile } from '../core/percentile';
import { RequestRow, SummaryRow, TimelineRow } from '../core/rows';

export interface SummaryLabels {
  readonly policy: string;
  readonly backend: string;
  readonly budgetBytes: number;
}

/** The latencies' percentile p; 0 when no request completed. */
function latencyPercentile(latencies: readonly number[], p: number): number {
  return latencies.length === 0 ? 0 : percentile(latencies, p);
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
    p50LatencyMs: latencyPercentile(latencies, 50),
    p95LatencyMs: latencyPercentile(latencies, 95),
    p99LatencyMs: latencyPercentile(latencies, 99),
    makespanMs,
    throughputRps: makespanMs > 0 ? ok.length / (makespanMs / 1000) : 0,
    peakResidentBytes: peak,
    transferBytes: rows.reduce((s, r) => s + r.transferBytes, 0),
  };
}
