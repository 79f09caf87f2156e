/**
 * Simulated against measured (quilt sim anchors' h200 rows): one point per measured number, simulated on the y axis,
 * measured on the x axis, both relative to the measured value (so times, bytes and ratios share one plot: the
 * measured point sits at 1); one colour per quantity, hollow markers where the profile was fitted to that number.
 * The band marks +-20%.
 */
import { Figure, Trace, axisTitle, baseLayout, colorAt } from './figure';

export interface SimVsMeasuredRow {
  readonly profile: string;
  readonly quantity: string;
  readonly item: string;
  readonly measured: number;
  readonly simulated: number;
  readonly relError: number;
  readonly basis: string;
}

export function simVsMeasured(rows: readonly SimVsMeasuredRow[], options: { title?: string } = {}): Figure {
  const quantities = [...new Set(rows.map((r) => r.quantity))];
  const data: Trace[] = quantities.map((q, i) => {
    const series = rows.filter((r) => r.quantity === q);
    return {
      type: 'scatter', mode: 'markers', name: q,
      x: series.map((_, k) => i + (k + 1) / (series.length + 1) - 0.5), y: series.map((r) => 1 + r.relError),
      marker: { color: colorAt(i), size: 9, symbol: series.map((r) => (r.basis === 'fitted' ? 'circle-open' : 'circle')) },
      text: series.map((r) => `${r.profile} ${r.item}: simulated ${r.simulated.toPrecision(4)}, measured ${r.measured.toPrecision(4)} (${r.basis})`),
      hovertemplate: '%{text}<extra></extra>',
    };
  });
  const band = (y: number): Trace => ({ type: 'scatter', mode: 'lines', showlegend: false, x: [-0.5, quantities.length - 0.5], y: [y, y], line: { color: '#999', dash: 'dot' }, hoverinfo: 'skip' });
  return {
    data: [band(0.8), band(1), band(1.2), ...data],
    layout: baseLayout(options.title, {
      xaxis: { ...axisTitle('Quantity'), tickvals: quantities.map((_, i) => i), ticktext: quantities, tickangle: -30 },
      yaxis: { ...axisTitle('Simulated / measured (simulated)'), type: 'log' },
      margin: { t: options.title ? 60 : 30, r: 30, b: 160, l: 70 },
    }),
  };
}
