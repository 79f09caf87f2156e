import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestRow, TimelineRow } from '../core/rows';
import { summarize } from './summary';

function row(requestId: number, latencyMs: number, status: RequestRow['status'] = 'ok'): RequestRow {
  return {
    requestId, model: 'm', policy: 'p', backend: 'fake', budgetBytes: 100, arrivalMs: 0, startMs: 0,
    endMs: latencyMs, latencyMs, queueingMs: 0, executionMs: latencyMs, transferBytes: 10, tasks: 1, status,
    error: status === 'ok' ? '' : 'x',
  };
}

function sample(totalBytes: number, oomRequestId = -1): TimelineRow {
  return { policy: 'p', timeMs: 0, weightBytes: totalBytes, activationBytes: 0, poolBytes: 0, totalBytes,
    budgetBytes: 100, oomRequestId };
}

test('summarize counts outcomes and computes latency statistics over completed requests', () => {
  const rows = [row(0, 10), row(1, 20), row(2, 30), row(3, 40), row(4, 1000, 'oom'), row(5, 5, 'error')];
  const s = summarize(rows, [sample(0), sample(80), sample(150, 4), sample(60)],
    { policy: 'p', backend: 'fake', budgetBytes: 100 });
  assert.equal(s.requests, 6);
  assert.equal(s.completed, 4);
  assert.equal(s.failed, 2);
  assert.equal(s.oom, 1);
  assert.equal(s.meanLatencyMs, 25);
  assert.equal(s.p50LatencyMs, 20);
  assert.equal(s.p95LatencyMs, 40);
  assert.equal(s.p99LatencyMs, 40);
  assert.equal(s.makespanMs, 1000);
  assert.equal(s.throughputRps, 4);
  assert.equal(s.peakResidentBytes, 80, 'the overflow sample is not resident memory');
  assert.equal(s.transferBytes, 60);
});

test('summarize of no completed requests gives zeros, not NaN', () => {
  const s = summarize([row(0, 5, 'error')], [], { policy: 'p', backend: 'fake', budgetBytes: 1 });
  assert.equal(s.meanLatencyMs, 0);
  assert.equal(s.p99LatencyMs, 0);
});
