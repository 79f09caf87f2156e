/**
 * The device ledger over time from timeline rows: resident weights, activations and pool bytes stacked (MiB),
 * the budget as a dashed line, and a red x at each instant a request ran out of memory. One panel for one
 * policy (pick it with `policy`), or one panel per policy stacked vertically when the rows hold several.
 */
import { QuiltError } from '../core/errors';
import { TimelineRow } from '../core/rows';
import { Figure, Trace, axisTitle, baseLayout, toMiB } from './figure';
import { RowsOrFrame, distinct, figureRows } from './input';

export interface MemoryTimelineOptions {
  /** Draw only this policy's rows. */
  policy?: string;
  title?: string;
}

const KINDS = [
  { field: 'weightBytes', name: 'weights', color: '#636efa' },
  { field: 'activationBytes', name: 'activations', color: '#00cc96' },
  { field: 'poolBytes', name: 'pool', color: '#FFA15A' },
] as const;

const COLUMNS: (keyof TimelineRow)[] = [
  'policy', 'timeMs', 'weightBytes', 'activationBytes', 'poolBytes', 'totalBytes', 'budgetBytes', 'oomRequestId',
];

function panelTraces(rows: readonly TimelineRow[], panel: number, showLegend: boolean): Trace[] {
  const axes = { xaxis: panel === 1 ? 'x' : `x${panel}`, yaxis: panel === 1 ? 'y' : `y${panel}` };
  const x = rows.map((r) => r.timeMs);
  const traces: Trace[] = KINDS.map((kind) => ({
    type: 'scatter', mode: 'lines', name: kind.name, legendgroup: kind.name, showlegend: showLegend,
    stackgroup: `resident${panel}`, line: { shape: 'hv', width: 0.5, color: kind.color },
    x, y: rows.map((r) => toMiB(r[kind.field])),
    hovertemplate: `${kind.name}: %{y:.2f} MiB at %{x:.1f} ms<extra></extra>`,
    ...axes,
  }));
  traces.push({
    type: 'scatter', mode: 'lines', name: 'budget', legendgroup: 'budget', showlegend: showLegend,
    line: { dash: 'dash', color: '#222', width: 1.5, shape: 'hv' },
    x, y: rows.map((r) => toMiB(r.budgetBytes)),
    hovertemplate: 'budget %{y:.2f} MiB<extra></extra>',
    ...axes,
  });
  const ooms = rows.filter((r) => r.oomRequestId >= 0);
  if (ooms.length > 0) {
    traces.push({
      type: 'scatter', mode: 'markers', name: 'out of memory', legendgroup: 'oom', showlegend: showLegend,
      marker: { symbol: 'x', size: 10, color: 'red' },
      x: ooms.map((r) => r.timeMs), y: ooms.map((r) => toMiB(r.totalBytes)),
      text: ooms.map((r) => `request ${r.oomRequestId} out of memory`),
      hovertemplate: '%{text} at %{x:.1f} ms<extra></extra>',
      ...axes,
    });
  }
  return traces;
}

export function memoryTimeline(input: RowsOrFrame<TimelineRow>, options: MemoryTimelineOptions = {}): Figure {
  let rows = figureRows(input, 'memoryTimeline', COLUMNS);
  if (options.policy !== undefined) {
    const policy = options.policy;
    rows = rows.filter((r) => r.policy === policy);
    if (rows.length === 0) throw new QuiltError(`memoryTimeline: no timeline rows for policy '${policy}'`);
  }
  const policies = distinct(rows, (r) => r.policy);
  const data: Trace[] = [];
  const layoutFields: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  policies.forEach((policy, i) => {
    const panel = i + 1;
    const panelRows = rows.filter((r) => r.policy === policy).sort((a, b) => a.timeMs - b.timeMs);
    data.push(...panelTraces(panelRows, panel, i === 0));
    const suffix = panel === 1 ? '' : String(panel);
    // One time axis title, under the last panel: repeated, it overlaps the panel below.
    const last = panel === policies.length;
    layoutFields[`xaxis${suffix}`] = { ...(last ? axisTitle('Time (ms)') : {}), ...(panel > 1 ? { matches: 'x' } : {}) };
    layoutFields[`yaxis${suffix}`] = { ...axisTitle('Resident (MiB)'), rangemode: 'tozero' };
    if (policies.length > 1) {
      annotations.push({
        text: `<b>${policy}</b>`, showarrow: false, xref: `x${suffix} domain`, yref: `y${suffix} domain`,
        x: 0, y: 1.01, xanchor: 'left', yanchor: 'bottom',
      });
    }
  });
  const facets = Math.max(1, policies.length);
  return {
    data,
    layout: baseLayout(options.title ?? (policies.length === 1 ? `Device memory: ${policies[0]}` : undefined), {
      ...layoutFields,
      ...(facets > 1 ? { grid: { rows: facets, columns: 1, pattern: 'independent', ygap: 0.35 } } : {}),
      annotations,
      height: 120 + 280 * facets,
      margin: { t: options.title ? 70 : 40, r: 30, b: 60, l: 70 },
    }),
  };
}
