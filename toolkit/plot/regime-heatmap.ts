/**
 * The regime map as a heatmap: a policy's mean latency over model-level's (`quilt sweep`'s summary rows), one
 * column per budget (smallest on the left), one row per regime (host memory, prefetch, threshold). Each cell shows
 * the ratio over seeds as "mean (min-max)"; the colour scale is centred on 1: blue below 1 (the policy is faster), red above.
 */
import { Figure, baseLayout } from './figure';
import { RowsOrFrame, distinct, figureRows } from './input';
import type { RatioSummaryRow } from '../experiment/regime-sweep';

/** The fields of a sweep's summary row (experiment/regime-sweep.ts) that the heatmap reads. */
export type RegimeRatioRow = Pick<RatioSummaryRow,
  'budget' | 'budgetBytes' | 'hostMemory' | 'prefetch' | 'threshold' | 'policy' | 'meanRatio' | 'meanRatioMin' | 'meanRatioMax' | 'p95Ratio'>;

export interface RegimeHeatmapOptions {
  title?: string;
  /** Which policy's ratios (default 'quilt'). */
  policy?: string;
  /** The ratio of mean (default) or of p95 latency. */
  metric?: 'mean' | 'p95';
}

/** A regime's row label. */
export function regimeLabel(r: Pick<RegimeRatioRow, 'hostMemory' | 'prefetch' | 'threshold'>): string {
  return `${r.hostMemory}, prefetch ${r.prefetch}, threshold ${r.threshold}`;
}

export function regimeHeatmap(input: RowsOrFrame<RegimeRatioRow>, options: RegimeHeatmapOptions = {}): Figure {
  const all = figureRows(input, 'regimeHeatmap', ['budget', 'budgetBytes', 'hostMemory', 'prefetch', 'threshold', 'policy', 'meanRatio', 'p95Ratio']);
  const policy = options.policy ?? 'quilt';
  const rows = all.filter((r) => r.policy === policy);
  const budgets = distinct([...rows].sort((a, b) => a.budgetBytes - b.budgetBytes), (r) => r.budget);
  const regimes = distinct(rows, regimeLabel).sort();
  const cell = (regime: string, budget: string) => rows.find((r) => regimeLabel(r) === regime && r.budget === budget);
  const value = (r: RegimeRatioRow | undefined) => (r === undefined ? null : options.metric === 'p95' ? r.p95Ratio : r.meanRatio);
  const z = regimes.map((g) => budgets.map((b) => value(cell(g, b))));
  const text = regimes.map((g) => budgets.map((b) => {
    const r = cell(g, b);
    if (r === undefined) return '';
    return options.metric === 'p95' ? r.p95Ratio.toFixed(2) : `${r.meanRatio.toFixed(2)} (${r.meanRatioMin.toFixed(2)}-${r.meanRatioMax.toFixed(2)})`;
  }));
  return {
    data: [{
      type: 'heatmap', x: budgets, y: regimes, z, text, texttemplate: '%{text}', zmid: 1,
      colorscale: 'RdBu', colorbar: { title: { text: `${policy} / model-level` } },
      hovertemplate: '%{y}<br>budget %{x}<br>ratio %{z:.3f}<extra></extra>',
    }],
    layout: baseLayout(options.title ?? `${policy} / model-level, ${options.metric === 'p95' ? 'p95' : 'mean'} latency`, {
      xaxis: { title: { text: 'Memory budget' }, type: 'category' },
      yaxis: { title: { text: 'Regime' }, type: 'category', automargin: true },
    }),
  };
}
