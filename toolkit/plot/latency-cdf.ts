/** The cumulative distribution of request latency, one step line per policy (completed requests only). */
import { Figure, axisTitle, baseLayout, colorAt } from './figure';
import { RowsOrFrame, distinct, figureRows } from './input';
import { LatencyRow } from './latency-by-policy';

export interface LatencyCdfOptions {
  title?: string;
}

export function latencyCdf(input: RowsOrFrame<LatencyRow>, options: LatencyCdfOptions = {}): Figure {
  const rows = figureRows(input, 'latencyCdf', ['policy', 'latencyMs', 'status']);
  const policies = distinct(rows, (r) => r.policy);
  return {
    data: policies.map((policy, i) => {
      const latencies = rows.filter((r) => r.policy === policy && r.status === 'ok')
        .map((r) => r.latencyMs).sort((a, b) => a - b);
      return {
        type: 'scatter', mode: 'lines', name: policy, line: { shape: 'hv', color: colorAt(i) },
        x: latencies, y: latencies.map((_, k) => (k + 1) / latencies.length),
        hovertemplate: `${policy}: %{y:.0%} within %{x:.2f} ms<extra></extra>`,
      };
    }),
    layout: baseLayout(options.title, {
      xaxis: axisTitle('Latency (ms)'),
      yaxis: { ...axisTitle('Fraction of completed requests'), range: [0, 1.02], tickformat: '.0%' },
    }),
  };
}
