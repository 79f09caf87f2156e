/**
 * What a threshold does to a partition: the number of tasks (left axis) and the pool bytes (right axis, MiB,
 * dashed) against the threshold (MiB), one colour per model; cut bytes are in the hover text of the pool.
 */
import { ThresholdSweepRow } from '../core/columns';
import { Figure, Trace, axisTitle, baseLayout, colorAt, toMiB } from './figure';
import { RowsOrFrame, distinct, figureRows } from './input';

export interface ThresholdSweepOptions {
  title?: string;
}

export function thresholdSweep(input: RowsOrFrame<ThresholdSweepRow>, options: ThresholdSweepOptions = {}): Figure {
  const rows = figureRows(input, 'thresholdSweep', ['model', 'thresholdBytes', 'tasks', 'poolBytes', 'cutBytes']);
  const data: Trace[] = [];
  distinct(rows, (r) => r.model).forEach((model, i) => {
    const series = rows.filter((r) => r.model === model).sort((a, b) => a.thresholdBytes - b.thresholdBytes);
    const x = series.map((r) => toMiB(r.thresholdBytes));
    data.push({
      type: 'scatter', mode: 'lines+markers', name: `${model} tasks`, legendgroup: model,
      line: { color: colorAt(i) }, x, y: series.map((r) => r.tasks),
      hovertemplate: `${model}: %{y} tasks at %{x:.2f} MiB<extra></extra>`,
    });
    data.push({
      type: 'scatter', mode: 'lines+markers', name: `${model} pool`, legendgroup: model, yaxis: 'y2',
      line: { color: colorAt(i), dash: 'dash' }, marker: { symbol: 'square-open' },
      x, y: series.map((r) => toMiB(r.poolBytes)),
      text: series.map((r) => `cut tensors ${toMiB(r.cutBytes).toFixed(2)} MiB`),
      hovertemplate: `${model}: pool %{y:.2f} MiB at %{x:.2f} MiB<br>%{text}<extra></extra>`,
    });
  });
  return {
    data,
    layout: baseLayout(options.title, {
      xaxis: axisTitle('Threshold (MiB)'),
      yaxis: { ...axisTitle('Tasks'), rangemode: 'tozero' },
      yaxis2: { ...axisTitle('Pool (MiB)'), overlaying: 'y', side: 'right', rangemode: 'tozero', showgrid: false },
      margin: { t: options.title ? 60 : 30, r: 70, b: 60, l: 70 },
    }),
  };
}
