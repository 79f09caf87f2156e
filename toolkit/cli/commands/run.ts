/**
 * `quilt run --workload <file> --policy <p>[,<p>...] --budget <bytes|unit|%> [--backend cpu|webgpu|cuda|auto|sim:<device>] [--host-memory pageable|pinned]
 *  [--threshold 50%|auto] [--concurrency N] [--pool on|off] [--prefetch on|off] [--requests N] [--warm] [--out results/x.csv] [--json]`.
 * --threshold auto: each model's threshold from the budget and the concurrency (experiment/auto-threshold.ts).
 * --prefetch on: a running request's next task's weights upload while it computes (schedule/prefetch.ts); default off.
 * --warm: a warm start for every policy (the requests served once unmeasured first; experiment/warm-up.ts).
 * --out x.csv writes x.csv (per-request rows), x-timeline.csv and x-summary.csv, each with metadata.
 */
import * as path from 'node:path';
import { runWorkload } from '../../experiment/run';
import { saveExperimentCsv } from '../../experiment/save';
import { BACKEND_FLAGS, openBackendOf } from './backend-options';
import { POLICY_NAMES } from '../../schedule/policies';
import { QuiltError } from '../../core/errors';
import { boolFlag, intFlag, onOffFlag, parseCommandArgs, stringFlag } from '../args';
import { formatTable, printJson } from '../output';
import { terminalProgress } from '../progress';
import { Command } from './index';

const USAGE = 'quilt run --workload datasets/workloads/quick.json --policy quilt --budget 80% [--backend cpu] [--out results/x.csv]';

function poolFlag(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === 'on') return true;
  if (text === 'off') return false;
  throw new QuiltError(`--pool: '${text}' must be on or off`);
}

export const runCommand: Command = {
  summary: 'run a workload under one or more policies on a backend and memory budget',
  async run(argv) {
    const args = parseCommandArgs('run', argv, {
      workload: { type: 'string' }, policy: { type: 'string', multiple: true }, budget: { type: 'string' },
      ...BACKEND_FLAGS, threshold: { type: 'string' }, concurrency: { type: 'string' }, pool: { type: 'string' },
      requests: { type: 'string' }, out: { type: 'string' }, warm: { type: 'boolean' }, prefetch: { type: 'string' },
    });
    const workload = stringFlag(args, 'workload');
    const budget = stringFlag(args, 'budget');
    if (workload === undefined) throw new QuiltError(`missing --workload (usage: ${USAGE})`);
    if (budget === undefined) throw new QuiltError(`missing --budget (usage: ${USAGE})`);
    const policyFlags = (args.values.policy as string[] | undefined) ?? ['all'];
    const policies = policyFlags.flatMap((p) => p.split(',')).flatMap((p) => (p === 'all' ? [...POLICY_NAMES] : [p]));
    const backend = await openBackendOf(args);
    const progress = terminalProgress(boolFlag(args, 'json'));
    let current = '';
    const result = await runWorkload({
      workload, budget, policies, backend,
      threshold: stringFlag(args, 'threshold'),
      concurrency: stringFlag(args, 'concurrency') === undefined ? undefined : intFlag(args, 'concurrency', 1),
      pool: poolFlag(stringFlag(args, 'pool')),
      requests: stringFlag(args, 'requests') === undefined ? undefined : intFlag(args, 'requests', 1),
      warm: boolFlag(args, 'warm'),
      prefetch: onOffFlag(args, 'prefetch'),
      onProgress: (p) => {
        if (p.policy !== current) { if (current) progress.stop(); current = p.policy; progress.start(p.total, p.policy); }
        else progress.tick(p.policy);
        if (p.done === p.total) progress.stop();
      },
    });
    await backend.close?.();
    const out = stringFlag(args, 'out');
    const files = out === undefined ? [] : saveExperimentCsv(result, out.replace(/\.csv$/i, '').replace(/-requests$/, ''));
    const summary = Object.fromEntries(result.summaries.map((s) => [s.policy, s]));
    if (boolFlag(args, 'json')) {
      printJson({
        backend: result.backend, device: result.device, workload: result.workload.name, budgetBytes: result.budgetBytes,
        budgetPercent: result.budgetPercent, sumOfDemandsBytes: result.sumOfDemandsBytes,
        concurrency: result.concurrency, warm: result.warm === true, prefetch: result.prefetch === true, threshold: result.threshold, policies: summary, notRun: result.notRun, files,
      });
    } else {
      process.stdout.write(`${result.workload.name} on ${result.device}, budget ${result.budgetBytes} bytes, ${result.concurrency} tasks at once, ${result.warm ? 'warm' : 'cold'} start\n`);
      process.stdout.write(`${formatTable(result.summaries.map((s) => ({
        policy: s.policy, completed: s.completed, failed: s.failed, oom: s.oom,
        meanMs: s.meanLatencyMs, p95Ms: s.p95LatencyMs, makespanMs: s.makespanMs,
      })))}\n`);
      for (const n of result.notRun) process.stdout.write(`not run: ${n.policy}: ${n.reason}\n`);
      if (files.length > 0) process.stdout.write(`wrote ${files.filter((f) => f.endsWith('.csv')).map((f) => path.relative('.', f)).join(', ')}\n`);
    }
    return 0;
  },
};
