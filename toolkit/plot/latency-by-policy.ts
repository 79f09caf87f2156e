/**
 * Latency per policy from request rows: a bar of the mean latency of completed requests with a marker at the
 * p95 (mode 'bar', the default), or one box per policy (mode 'box'). Requests that failed (oom, error) have no
 * meaningful latency; their count shows in the bar's hover text.
 */
import { RequestRow } from '../core/rows';
import { Figure, axisTitle, baseLayout, colorAt } from './figure';
import { RowsOrFrame, distinct, figureRows } from './input';
import { percentile } from '../core/percentile';
import { mean } from './stats';

export type LatencyRow = Pick<RequestRow, 'policy' | 'latencyMs' | 'status'>;

export interface LatencyByPolicyOptions {
  mode?: 'bar' | 'box';
  title?: string;
}

export function latencyByPolicy(input: RowsOrFrame<LatencyRow>, options: LatencyByPolicyOptions = {}): Figure {
  const rows = figureRows(input, 'latencyByPolicy', ['policy', 'latencyMs', 'status']);
  const policies = distinct(rows, (r) => r.policy);
  const okLatencies = policies.map((p) => rows.filter((r) => r.policy === p && r.status === 'ok').map((r) => r.latencyMs));
  const failed = policies.map((p) => rows.filter((r) => r.policy === p && r.status !== 'ok').length);
  const layout = baseLayout(options.title, {
    xaxis: axisTitle('Policy'),
    yaxis: { ...axisTitle('Latency (ms)'), rangemode: 'tozero' },
  });
  if (options.mode === 'box') {
    return {
      data: policies.map((policy, i) => ({
        type: 'box', name: policy, x: okLatencies[i].map(() => policy), y: okLatencies[i],
        boxmean: true, marker: { color: colorAt(i) },
      })),
      layout: { ...layout, showlegend: false },
    };
  }
  return {
    data: [
      {
        type: 'bar', name: 'mean', x: policies, y: okLatencies.map(mean),
        marker: { color: policies.map((_, i) => colorAt(i)) },
        text: policies.map((_, i) => `${okLatencies[i].length} ok, ${failed[i]} failed`),
        hovertemplate: '%{x}: mean %{y:.2f} ms<br>%{text}<extra></extra>',
        textposition: 'none',
      },
      {
        type: 'scatter', mode: 'markers', name: 'p95', x: policies, y: okLatencies.map((v) => percentile(v, 95)),
        marker: { symbol: 'line-ew-open', size: 28, color: '#222', line: { width: 3, color: '#222' } },
        hovertemplate: '%{x}: p95 %{y:.2f} ms<extra></extra>',
      },
    ],
    layout,
  };
}
