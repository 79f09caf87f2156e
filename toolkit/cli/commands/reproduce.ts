/**
 * `quilt reproduce [--quick] [--backend cpu|webgpu|cuda|auto|sim:<device>] [--host-memory pageable|pinned] [--budget b] [--warm]
 * [--prefetch on|off] [--out-dir results] [--json]`. Prefetch is off by default (the paper's comparison); `-pinned`,
 * `-warm` and `-prefetch` join the file names when on.
 */
import * as path from 'node:path';
import { findRepoRoot } from '../../core/paths';
import { backendSlug } from '../../runtime/backend';
import { reproduce } from '../../experiment/reproduce';
import { saveReproduceFigures } from '../../plot/save';
import { BACKEND_FLAGS, openBackendOf } from './backend-options';
import { boolFlag, onOffFlag, parseCommandArgs, stringFlag } from '../args';
import { formatTable, printJson } from '../output';
import { terminalProgress } from '../progress';
import { Command } from './index';

export const reproduceCommand: Command = {
  summary: "the paper's comparison: every policy on the default workload under a memory budget; writes results/",
  async run(argv) {
    const args = parseCommandArgs('reproduce', argv, {
      quick: { type: 'boolean' }, warm: { type: 'boolean' }, ...BACKEND_FLAGS, budget: { type: 'string' }, 'out-dir': { type: 'string' },
      prefetch: { type: 'string' },
    });
    const quick = boolFlag(args, 'quick');
    const root = findRepoRoot();
    const backend = await openBackendOf(args);
    const progress = terminalProgress(boolFlag(args, 'json'));
    let current = '';
    const outDir = stringFlag(args, 'out-dir') ?? path.join(root, 'results');
    const warm = boolFlag(args, 'warm');
    const pinned = stringFlag(args, 'host-memory') === 'pinned' ? '-pinned' : '';
    const prefetch = onOffFlag(args, 'prefetch') === true;
    const prefix = `${backendSlug(backend)}${pinned}${quick ? '-quick' : ''}${warm ? '-warm' : ''}${prefetch ? '-prefetch' : ''}`;
    const outcome = await reproduce({
      backend,
      workload: path.join(root, 'datasets', 'workloads', quick ? 'quick.json' : 'default.json'),
      budget: stringFlag(args, 'budget'),
      outDir,
      prefix,
      warm,
      prefetch,
      // Beyond the paper: how quilt and model-level fare as the budget shrinks (left out of --quick for time).
      sweepBudgets: quick ? [] : ['45%peak', '50%peak', '60%peak', '80%peak', '100%peak'],
      onProgress: (stage, p) => {
        const label = `${stage}: ${p.policy}`;
        if (label !== current) { if (current) progress.stop(); current = label; progress.start(p.total, label); }
        else progress.tick(label);
        if (p.done === p.total) progress.stop();
      },
    });
    await backend.close?.();
    const figures = saveReproduceFigures(outcome, outDir, prefix);
    const report = {
      ...outcome.report,
      files: [...outcome.report.files, ...figures.files],
      notes: [...outcome.report.notes,
        ...(figures.imageProblem ? [`PNG figures not written (${figures.imageProblem}); the HTML figures were`] : [])],
    };
    if (boolFlag(args, 'json')) {
      printJson(report);
      return 0;
    }
    const rows = Object.entries(report.policies).map(([policy, n]) => ({ policy, ...n }));
    process.stdout.write(`\n${report.workload} workload on ${report.device}, ${report.warm ? 'warm' : 'cold'} start; budget ${(report.budgetBytes / 2 ** 20).toFixed(0)} MiB\n`);
    process.stdout.write(`${formatTable(rows)}\n`);
    for (const n of report.notRun) process.stdout.write(`not run: ${n.policy}: ${n.reason}\n`);
    process.stdout.write(`\nwhere every model fits (${(report.fits.budgetBytes / 2 ** 20).toFixed(0)} MiB):\n`);
    process.stdout.write(`${formatTable(Object.entries(report.fits.policies).map(([policy, n]) => ({ policy, ...n })))}\n`);
    if (report.sweep.length > 0) {
      process.stdout.write('\nbudget sweep:\n');
      process.stdout.write(`${formatTable(report.sweep.map((r) => ({
        budgetMiB: Math.round(r.budgetBytes / 2 ** 20), policy: r.policy, meanLatencyMs: r.meanLatencyMs, p95LatencyMs: r.p95LatencyMs,
      })))}\n`);
    }
    process.stdout.write('\nratios of mean latency:\n');
    for (const [name, value] of Object.entries(report.ratios)) process.stdout.write(`  ${name.padEnd(22)} ${value === null ? 'n/a' : value.toFixed(3)}\n`);
    for (const note of report.notes) process.stdout.write(`note: ${note}\n`);
    process.stdout.write(`\nwrote ${report.files.length} files under ${path.relative('.', path.dirname(report.files[0])) || '.'}\n`);
    return 0;
  },
};
