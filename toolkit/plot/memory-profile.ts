/**
 * A model's memory profile: live activation bytes (MiB) at each operator step of its order, one bar per step,
 * with the peak marked and labelled with its operator.
 */
import { MemoryProfileRow } from '../core/columns';
import { Figure, axisTitle, baseLayout, toMiB } from './figure';
import { RowsOrFrame, figureRows } from './input';

export interface MemoryProfileOptions {
  title?: string;
}

export function memoryProfile(input: RowsOrFrame<MemoryProfileRow>, options: MemoryProfileOptions = {}): Figure {
  const rows = [...figureRows(input, 'memoryProfile', ['step', 'node', 'op', 'liveActivationBytes'])]
    .sort((a, b) => a.step - b.step);
  const peak = rows.reduce<MemoryProfileRow | undefined>(
    (best, r) => (best === undefined || r.liveActivationBytes > best.liveActivationBytes ? r : best), undefined);
  return {
    data: [
      {
        type: 'bar', name: 'live activations', marker: { color: '#636efa', line: { width: 0 } },
        x: rows.map((r) => r.step), y: rows.map((r) => toMiB(r.liveActivationBytes)),
        text: rows.map((r) => `${r.op} ${r.node}`), textposition: 'none',
        hovertemplate: 'step %{x}: %{y:.2f} MiB<br>%{text}<extra></extra>',
      },
      ...(peak ? [{
        type: 'scatter', mode: 'markers', name: 'peak', marker: { color: 'red', size: 11, symbol: 'star' },
        x: [peak.step], y: [toMiB(peak.liveActivationBytes)],
        text: [`peak at ${peak.op} ${peak.node}`],
        hovertemplate: '%{text}: %{y:.2f} MiB<extra></extra>',
      }] : []),
    ],
    layout: baseLayout(options.title, {
      bargap: 0,
      xaxis: axisTitle('Operator step'),
      yaxis: { ...axisTitle('Live activations (MiB)'), rangemode: 'tozero' },
      annotations: peak ? [{
        x: peak.step, y: toMiB(peak.liveActivationBytes), text: `peak ${toMiB(peak.liveActivationBytes).toFixed(2)} MiB (${peak.op})`,
        showarrow: true, arrowhead: 2, ax: 40, ay: -30,
      }] : [],
    }),
  };
}
