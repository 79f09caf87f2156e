/**
 * The regime map in parallel (`quilt sweep --jobs N`), where that is safe: simulated backends only. A simulated run
 * is deterministic and takes its time from a virtual clock, so runs in separate worker threads give the same rows as
 * one after another; a real backend's runs measure wall-clock time and would disturb each other, so they always run
 * one after another (`jobs` is ignored). The seeds are dealt round-robin to `jobs` workers (each opens the workspace
 * and its backends itself); the rows come back in the sequential order, and the ratios are recomputed over all.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { QuiltError } from '../core/errors';
import { openForHostMemory } from './host-memory';
import { RegimeSweepOptions, RegimeSweepResult, ratioSummary, regimeSweep, runsPerCell } from './regime-sweep';

/** What a worker gets: the sweep's options less the functions, and the backend by name. */
export type WorkerJob = Omit<RegimeSweepOptions, 'openBackend' | 'onStep'> & { readonly backendChoice: string };

export interface ParallelSweepOptions extends Omit<RegimeSweepOptions, 'openBackend'> {
  /** The backend by its command-line name ('sim:h100'). */
  readonly backendChoice: string;
  /** Worker threads (default 1: one after another, in this thread). */
  readonly jobs?: number;
}

export async function regimeSweepInWorkers(options: ParallelSweepOptions): Promise<RegimeSweepResult> {
  const { backendChoice, jobs: asked = 1, onStep, ...grid } = options;
  const jobs = backendChoice.startsWith('sim:') ? Math.max(1, Math.min(asked, options.seeds.length)) : 1;
  if (jobs === 1) return regimeSweep({ ...grid, onStep, openBackend: (kind) => openForHostMemory(backendChoice, kind) });
  const shares = Array.from({ length: jobs }, (_, j) => options.seeds.filter((_, i) => i % jobs === j));
  const total = options.budgets.length * options.hostMemory.length * options.prefetch.length * options.seeds.length
    * runsPerCell(options.policies, options.thresholds);
  let done = 0;
  const results = await Promise.all(shares.map((seeds) => runWorker({ ...grid, seeds, backendChoice }, () => {
    done++;
    onStep?.(done, total, `${jobs} workers`);
  })));
  const order = (r: RegimeSweepResult['rows'][number]) => [
    options.hostMemory.indexOf(r.hostMemory), options.budgets.indexOf(r.budget), options.prefetch.indexOf(r.prefetch === 'on'),
    options.seeds.indexOf(r.seed), options.policies.indexOf(r.policy), options.thresholds.indexOf(r.threshold),
  ];
  const rows = results.flatMap((r) => r.rows).sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  });
  const first = results[0];
  return { ...first, rows, summary: ratioSummary(rows), cannot: results.flatMap((r) => r.cannot) };
}

function runWorker(job: WorkerJob, onStep: () => void): Promise<RegimeSweepResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'regime-sweep-worker.js'), { workerData: job });
    let settled = false;
    worker.on('message', (m: { kind: string; result?: RegimeSweepResult; message?: string }) => {
      if (m.kind === 'step') onStep();
      else if (m.kind === 'done') { settled = true; resolve(m.result as RegimeSweepResult); void worker.terminate(); }
      else if (m.kind === 'error') { settled = true; reject(new QuiltError(m.message ?? 'a sweep worker failed')); void worker.terminate(); }
    });
    worker.on('error', (e) => { if (!settled) { settled = true; reject(e); } });
    worker.on('exit', (code) => { if (!settled) reject(new QuiltError(`a sweep worker exited with code ${code} before it finished`)); });
  });
}
