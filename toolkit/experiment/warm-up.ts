/**
 * A warm start (`--warm`): the same rule for every policy. Before the measured requests, the schedule serves the
 * same requests once more, unmeasured (the warm-up), in the same run: same ledger, same sessions, same device.
 * When the measured requests start, each policy's weights, sessions and caches are where its own rule left them
 * (triton-style: every model loaded; quilt and model-level: whatever their ledger kept), so no policy pays the
 * first upload of a model inside its measured latency. Without `--warm` (a cold start) every policy starts with
 * nothing uploaded and pays its first uploads inside measured latency; that rule is the same for all too.
 *
 * Stages:
 *  1. `withWarmUp`: warm-up copies of the requests (ids n..2n-1, same models and inputs) go first; the measured
 *     requests keep their ids 0..n-1 and come after (closed loop: sent as warm-up requests end, so the two
 *     overlap as in a steady stream; open loop: their arrivals shifted past the last warm-up arrival).
 *  2. `measuredPart`: the rows of the measured requests only, with every time counted from the first measured
 *     arrival (t0); the ledger timeline from t0 on (its last sample before t0, moved to t0, gives the state the
 *     measured part starts in); the summary recomputed from those; the measured requests' waits.
 */
import { RequestRow, TimelineRow } from '../core/rows';
import { ScheduledRequest, ScheduleResult } from '../schedule/scheduler';
import { summarize, SummaryLabels } from '../schedule/summary';

/** The warm-up requests followed by the measured ones (see the header). */
export function withWarmUp(requests: readonly ScheduledRequest[]): ScheduledRequest[] {
  const n = requests.length;
  const warm = requests.map((r, i) => ({ ...r, id: n + i }));
  const shift = warm.reduce((m, r) => Math.max(m, r.arrivalMs), 0);
  return [...warm, ...requests.map((r) => ({ ...r, arrivalMs: r.arrivalMs + shift }))];
}

/** The measured part of a run made by `withWarmUp` over `measured` requests (ids 0..measured-1). */
export function measuredPart(result: ScheduleResult, measured: number, labels: SummaryLabels): ScheduleResult {
  const kept = result.rows.filter((r) => r.requestId < measured);
  const t0 = kept.reduce((m, r) => Math.min(m, r.arrivalMs), Infinity);
  const start = Number.isFinite(t0) ? t0 : 0;
  const rows: RequestRow[] = kept.map((r) => ({ ...r, arrivalMs: r.arrivalMs - start, startMs: r.startMs - start, endMs: r.endMs - start }));
  const before = result.timeline.filter((s) => s.timeMs < start && s.oomRequestId === -1);
  const timeline: TimelineRow[] = [
    ...(before.length > 0 ? [{ ...before[before.length - 1], timeMs: 0 }] : []),
    ...result.timeline.filter((s) => s.timeMs >= start).map((s) => ({ ...s, timeMs: s.timeMs - start })),
  ];
  const waits = result.waits.filter((w) => w.requestId < measured);
  return { rows, timeline, summary: summarize(rows, timeline, labels), waits };
}
