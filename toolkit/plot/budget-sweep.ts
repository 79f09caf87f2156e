/**
 * Latency against the memory budget, one line per policy: mean (solid) and p95 (dotted), from summary rows
 * of runs at several budgets (e.g. the results' `*-sweep-summary.csv`).
 */
import { Figure, axisTitle, baseLayout, colorAt, toMiB } from './figure';
import { RowsOrFrame, distinct, figureRows } from './input';

export interface BudgetSweepRow {
  policy: string;
  budgetBytes: number;
  meanLatencyMs: number;
  p95LatencyMs: number;
}

export interface BudgetSweepOptions {
  title?: string;
  /** Largest budget on the left (the budget shrinks to the right). */
  shrinking?: boolean;
  /** Latency on a log axis (for policies an order of magnitude apart). */
  logLatency?: boolean;
}

export function budgetSweep(input: RowsOrFrame<BudgetSweepRow>, options: BudgetSweepOptions = {}): Figure {
  const rows = figureRows(input, 'budgetSweep', ['policy', 'budgetBytes', 'meanLatencyMs', 'p95LatencyMs']);
  const policies = distinct(rows, (r) => r.policy);
  const data = policies.flatMap((policy, i) => {
    const points = rows.filter((r) => r.policy === policy).sort((a, b) => a.budgetBytes - b.budgetBytes);
    const x = points.map((r) => toMiB(r.budgetBytes));
    return [
      { type: 'scatter', mode: 'lines+markers', name: `${policy} mean`, x, y: points.map((r) => r.meanLatencyMs), line: { color: colorAt(i) } },
      { type: 'scatter', mode: 'lines+markers', name: `${policy} p95`, x, y: points.map((r) => r.p95LatencyMs), line: { color: colorAt(i), dash: 'dot' } },
    ];
  });
  return {
    data,
    layout: baseLayout(options.title, {
      xaxis: { ...axisTitle('Memory budget (MiB)'), ...(options.shrinking ? { autorange: 'reversed' } : {}) },
      yaxis: options.logLatency ? { ...axisTitle('Latency (ms, log scale)'), type: 'log' } : { ...axisTitle('Latency (ms)'), rangemode: 'tozero' },
    }),
  };
}
