/**
 * `quilt sweep --backend <b> --workload <f> --policies <p,...> --budgets <b,...> [--host-memory <k,...>]
 *  [--prefetch <on|off,...>] [--thresholds <t,...|auto>] [--seeds <s,...>] [--warm] [--jobs N] [--out <csv>] [--json]`:
 * (--jobs N: simulated backends run their seeds in N worker threads; experiment/regime-sweep-parallel.ts)
 * the regime map (experiment/regime-sweep.ts). Prints `{"rows": [...], "summary": [...]}` with --json; --out x.csv
 * writes the rows to x.csv and the ratios to x-summary.csv, each with metadata, and the heatmap of quilt's ratios to
 * x-heatmap.html (and .png where Chromium is there). Defaults: host memory pageable,
 * prefetch off, threshold 50%, the workload's seed, policies quilt,model-level.
 */
import { RegimeSweepResult } from '../../experiment/regime-sweep';
import { regimeSweepInWorkers } from '../../experiment/regime-sweep-parallel';
import { writeResults } from '../../experiment/results-io';
import { simulatedMetaOf } from '../../experiment/save';
import { createPolicy } from '../../schedule/policies';
import { DEFAULT_HOST_MEMORY, openForHostMemory } from '../../experiment/host-memory';
import { loadWorkloadSpec } from '../../workload';
import { QuiltError } from '../../core/errors';
import { boolFlag, intFlag, parseCommandArgs, stringFlag } from '../args';
import { formatTable, printJson } from '../output';
import { terminalProgress } from '../progress';
import { Command } from './index';
import { regimeHeatmap } from '../../plot/regime-heatmap';
import { saveFigure } from '../../plot/save';
import * as path from 'node:path';

const USAGE = 'quilt sweep --backend sim:h100 --workload datasets/workloads/quick.json --policies quilt,model-level --budgets 60%,100% --json';

function list(text: string | undefined, flag: string, fallback: readonly string[]): string[] {
  if (text === undefined) return [...fallback];
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new QuiltError(`--${flag}: '${text}' names nothing`);
  return items;
}

function onOffList(text: string | undefined): boolean[] {
  return list(text, 'prefetch', ['off']).map((v) => {
    if (v === 'on') return true;
    if (v === 'off') return false;
    throw new QuiltError(`--prefetch: '${v}' must be on or off`);
  });
}

function seedList(text: string | undefined, fallback: number): number[] {
  return list(text, 'seeds', [String(fallback)]).map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new QuiltError(`--seeds: '${v}' is not a whole number`);
    return n;
  });
}

/** Writes the rows to `out` and the ratios beside it (`-summary.csv`), each with metadata. */
export function saveRegimeSweep(result: RegimeSweepResult, out: string): string[] {
  const context = {
    backend: result.backend, workload: result.workload.name,
    extra: { ...simulatedMetaOf(result.simulated), devices: result.devices, warm: result.warm, cannot: result.cannot, baseline: 'model-level' },
  };
  const base = out.replace(/\.csv$/i, '');
  const rows = writeResults(`${base}.csv`, result.rows, context);
  const summary = writeResults(`${base}-summary.csv`, result.summary, context);
  return [rows.csvPath, rows.metaPath, summary.csvPath, summary.metaPath];
}

export const sweepCommand: Command = {
  summary: 'the regime map: policies over budgets x host memory x prefetch x thresholds x seeds, with where time goes',
  async run(argv) {
    const args = parseCommandArgs('sweep', argv, {
      backend: { type: 'string' }, workload: { type: 'string' }, policies: { type: 'string' }, budgets: { type: 'string' },
      'host-memory': { type: 'string' }, prefetch: { type: 'string' }, thresholds: { type: 'string' }, seeds: { type: 'string' },
      warm: { type: 'boolean' }, out: { type: 'string' }, jobs: { type: 'string' },
    });
    const workload = stringFlag(args, 'workload');
    if (workload === undefined) throw new QuiltError(`missing --workload (usage: ${USAGE})`);
    const budgets = list(stringFlag(args, 'budgets'), 'budgets', []);
    if (budgets.length === 0) throw new QuiltError(`missing --budgets (usage: ${USAGE})`);
    const policies = list(stringFlag(args, 'policies'), 'policies', ['quilt', 'model-level']);
    policies.forEach((p) => createPolicy(p));
    const choice = stringFlag(args, 'backend') ?? 'cpu';
    const spec = loadWorkloadSpec(workload);
    const hostMemory = list(stringFlag(args, 'host-memory'), 'host-memory', [DEFAULT_HOST_MEMORY]);
    // Every kind is opened once before any run, so a kind the backend does not take fails before hours of work.
    for (const kind of new Set(hostMemory)) await (await openForHostMemory(choice, kind)).close?.();
    const progress = terminalProgress(boolFlag(args, 'json'));
    let started = false;
    const result = await regimeSweepInWorkers({
      workload: spec, backendChoice: choice, jobs: intFlag(args, 'jobs', 1), policies, budgets, hostMemory,
      prefetch: onOffList(stringFlag(args, 'prefetch')), thresholds: list(stringFlag(args, 'thresholds'), 'thresholds', ['50%']),
      seeds: seedList(stringFlag(args, 'seeds'), spec.seed), warm: boolFlag(args, 'warm'),
      onStep: (done, total, label) => {
        if (!started) { progress.start(total, 'sweep'); started = true; }
        progress.tick(label);
        if (done === total) progress.stop();
      },
    });
    const out = stringFlag(args, 'out');
    const files = out === undefined ? [] : saveRegimeSweep(result, out);
    if (out !== undefined && result.summary.some((r) => r.policy === 'quilt')) {
      const base = out.replace(/\.csv$/i, '');
      const simulated = result.simulated ? 'simulated ' : '';
      const figure = regimeHeatmap(result.summary, { title: `quilt / model-level, mean latency (${simulated}${result.backend}, ${result.workload.name} workload)` });
      files.push(...saveFigure(figure, path.dirname(base), `${path.basename(base)}-heatmap`).files);
    }
    if (boolFlag(args, 'json')) {
      printJson({ rows: result.rows, summary: result.summary });
      return 0;
    }
    process.stdout.write(`${result.workload.name} on ${Object.values(result.devices).join(' / ')}\n`);
    process.stdout.write(`${formatTable(result.summary.map((s) => ({
      budget: s.budget, hostMemory: s.hostMemory, prefetch: s.prefetch, threshold: s.threshold, policy: s.policy, seeds: s.seeds,
      meanRatio: s.meanRatio, min: s.meanRatioMin, max: s.meanRatioMax, p95Ratio: s.p95Ratio,
    })))}\n`);
    for (const c of result.cannot) process.stdout.write(`cannot run: ${c.policy} at ${c.budget} (${c.hostMemory}, prefetch ${c.prefetch}, seed ${c.seed}): ${c.why}\n`);
    if (files.length > 0) process.stdout.write(`wrote ${files.filter((f) => f.endsWith('.csv')).join(', ')}\n`);
    return 0;
  },
};
