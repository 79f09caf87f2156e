/**
 * Section 6, scheduling (the paper's comparison) on the cpu backend, all in one run of reproduce's `runComparison`
 * (experiment/reproduce.ts: the same runs, budgets and ratios as `quilt reproduce`):
 *   - the five policies on datasets/workloads/default.json (quick.json with --quick) at a budget where the models do
 *     not all fit: --budget, else 60% of the sum of the models' peaks, raised to what every managed policy needs;
 *   - quilt and model-level with an unlimited budget (the floor: what cutting costs where memory never binds);
 *   - triton-style and quilt where every model fits (100% of the sum of peaks, or the main budget if more);
 *   - quilt's pool on vs off on webgpu with a small workload, when checkBackend('webgpu') says it works
 *     (benchWebgpuPool, its own result; `--only schedule` runs both).
 * Ratios of mean latency: quilt/model-level (goal <= 0.75; paper 0.746; and <= 1.00 both tight and unlimited:
 * a task boundary must cost close to nothing), quilt/layer-level (goal <= 0.62; paper 0.623), quilt/triton-style
 * where every model fits (goal <= 0.90), quilt/unlimited (ideally 1). OOMs: zero for managed policies.
 */
import * as path from 'node:path';
import { ExperimentResult, WorkloadRunOptions, runWorkload } from '../experiment/run';
import { meanRatio, runComparison } from '../experiment/reproduce';
import { Workspace } from '../experiment/workspace';
import { POLICY_NAMES, isManagedPolicy } from '../schedule/policies';
import { SummaryRow } from '../core/rows';
import { Backend } from '../runtime/backend';
import { checkBackend } from '../runtime/ort-backend';
import { openBackend } from '../sim/open';
import { WorkloadSpec, loadWorkloadSpec } from '../workload';
import { findRepoRoot } from '../core/paths';
import { formatBytes } from '../core/units';
import { BenchContext, Goal, Row, SectionResult, goal, progress, round } from './report';

function reporter(label: string): WorkloadRunOptions['onProgress'] {
  return ({ policy, done, total }) => {
    if (done === 0 || done === total || done % 10 === 0) progress(`schedule: ${label}: ${policy} ${done}/${total}`);
  };
}

/** runWorkload, at the budget asked or, when some policy needs more, at what it needs (budget.ts's rule). */
async function runAtWorkingBudget(options: WorkloadRunOptions & { workspace: Workspace }, label: string): Promise<{ result: ExperimentResult; raised: string[] }> {
  const ws = options.workspace;
  const runtime = await options.backend?.runtimeMemory?.();
  const needed = ws.neededBudgetBytes(options.policies ?? POLICY_NAMES, { threshold: options.threshold, pool: options.pool, runtime });
  const raised: string[] = [];
  let budget = options.budget;
  if (ws.budgetBytes(budget) < needed) {
    raised.push(`${formatBytes(ws.budgetBytes(budget))} is below the ${formatBytes(needed)} some policy needs`);
    progress(`schedule: ${label}: ${raised[0]}; running at ${needed} B`);
    budget = needed;
  }
  return { result: await runWorkload({ ...options, budget, onProgress: reporter(label) }), raised };
}

function summaryOf(result: ExperimentResult, policy: string): SummaryRow | undefined {
  return result.summaries.find((s) => s.policy === policy);
}

function row(run: string, result: ExperimentResult, policy: string): Row {
  const s = summaryOf(result, policy);
  const notRun = result.notRun.find((n) => n.policy === policy);
  const budget = result.budgetBytes >= Number.MAX_SAFE_INTEGER ? 'unlimited' : formatBytes(result.budgetBytes);
  if (s === undefined) {
    return { run, policy, budget, completed: null, failed: null, oom: null, meanMs: null, p95Ms: null, makespanMs: null, note: notRun?.reason ?? 'not run' };
  }
  return {
    run, policy, budget, completed: s.completed, failed: s.failed, oom: s.oom, meanMs: s.meanLatencyMs, p95Ms: s.p95LatencyMs,
    makespanMs: s.makespanMs, note: '',
  };
}



export async function benchSchedule(ctx: BenchContext): Promise<SectionResult> {
  const file = path.join(findRepoRoot(), 'datasets', 'workloads', ctx.quick ? 'quick.json' : 'default.json');
  const rows: Row[] = [];
  const goals: Goal[] = [];
  const notes: string[] = [];
  const extra: Record<string, unknown> = { workload: file };
  const cpu = await openBackend('cpu');
  try {
    progress(`schedule: ${path.basename(file)}, the paper's comparison (reproduce's runComparison) at ${ctx.budget ?? '60% of the sum of peaks (raised if a policy needs more)'}`);
    const workspace = await Workspace.open(file, { runtime: await cpu.runtimeMemory?.() });
    const { main, fits, unlimited, ratios, notes: comparisonNotes } = await runComparison({
      workspace, backend: cpu, budget: ctx.budget, onProgress: (stage, p) => reporter(stage)?.(p),
    });
    const sumOfPeaks = main.models.reduce((s, m) => s + m.peakBytes, 0);
    notes.push(`cpu backend: ${main.device}; concurrency ${main.concurrency}; ${main.rows.length / Math.max(1, main.summaries.length)} requests per policy`);
    notes.push(`sum of peaks ${formatBytes(sumOfPeaks)}; tight budget ${formatBytes(main.budgetBytes)} = ${round((main.budgetBytes / sumOfPeaks) * 100, 1)}% of it`);
    notes.push(...comparisonNotes);
    for (const p of POLICY_NAMES) rows.push(row('tight', main, p));
    rows.push(row('unlimited', unlimited, 'quilt'), row('unlimited', unlimited, 'model-level'));
    rows.push(row(`fits (${formatBytes(fits.budgetBytes)})`, fits, 'triton-style'), row(`fits (${formatBytes(fits.budgetBytes)})`, fits, 'quilt'));

    extra.ratios = ratios;
    const value = (r: number | null) => r ?? NaN;
    goals.push(goal('mean latency quilt/model-level (paper 0.746)', value(ratios.quiltOverModelLevel), 0.75, ''));
    goals.push(goal('mean latency quilt/model-level, tight budget', value(ratios.quiltOverModelLevel), 1.0, ''));
    goals.push(goal('mean latency quilt/model-level, unlimited budget', value(ratios.quiltOverModelLevelUnlimited), 1.0, ''));
    goals.push(goal('mean latency quilt/layer-level (paper 0.623)', value(ratios.quiltOverLayerLevel), 0.62, ''));
    goals.push(goal('mean latency quilt/triton-style, every model fits', value(ratios.quiltOverTritonStyle), 0.9, ''));
    notes.push(`quilt/unlimited mean latency = ${ratios.quiltOverUnlimited === null ? 'n/a' : round(ratios.quiltOverUnlimited)} (the floor is 1; no goal)`);
    for (const [run, result] of [['tight', main], ['unlimited', unlimited], ['fits', fits]] as const) {
      for (const s of result.summaries.filter((x) => isManagedPolicy(x.policy))) {
        goals.push(goal(`${s.policy} OOMs (${run})`, s.oom, 0, ''));
      }
    }
    const unmanaged = summaryOf(main, 'unmanaged');
    notes.push(unmanaged === undefined ? 'unmanaged did not run'
      : `unmanaged: ${unmanaged.oom} OOMs at the tight budget (${unmanaged.oom > 0 ? 'as expected' : 'NOT as expected: it should have some'})`);
    if (unmanaged !== undefined) goals.push(goal('unmanaged OOMs', unmanaged.oom, 0, '', '>'));
    if (unmanaged !== undefined && unmanaged.oom === 0) {
      notes.push('unmanaged ran out of memory never: at this arrival rate the requests seldom overlap, so the budget never bound '
        + 'and the latency ratios compare per-task overheads, not memory-aware scheduling (try --budget lower, or quick.json)');
    }
  } finally {
    await cpu.close?.();
  }
  notes.push(`peak resident memory of this section's process: ${round(process.resourceUsage().maxRSS / 2 ** 20, 1)} GiB`);
  return {
    section: 'schedule', title: 'Scheduling policies on a shared budget', quick: ctx.quick, measuredAt: new Date().toISOString(),
    rows, goals, notes, extra,
  };
}

/**
 * Quilt with the pool on and off on webgpu (software Vulkan here, so a small workload). Run by main in a process of
 * its own, after the cpu part of the section (a crash of the software driver must not lose the cpu numbers).
 */
export async function benchWebgpuPool(ctx: BenchContext): Promise<SectionResult> {
  const rows: Row[] = [];
  const extra: Record<string, unknown> = {};
  const note = await webgpuPool(ctx, rows, extra);
  return {
    section: 'schedule-webgpu', title: "Scheduling: quilt's pool on vs off on webgpu", quick: ctx.quick,
    measuredAt: new Date().toISOString(), rows, goals: [], notes: [note], extra,
  };
}

async function webgpuPool(ctx: BenchContext, rows: Row[], extra: Record<string, unknown>): Promise<string> {
  const problem = await checkBackend('webgpu');
  if (problem !== undefined) return `skipped: checkBackend('webgpu') says: ${problem}`;
  const quick = loadWorkloadSpec(path.join(findRepoRoot(), 'datasets', 'workloads', 'quick.json'));
  const spec: WorkloadSpec = {
    ...quick, name: 'webgpu-small', description: 'resnet50 + mobilenetv2, a few requests (bench)',
    requests: 4, models: quick.models.filter((m) => m.model !== 'bert-base'),
  };
  // 4 requests, not more: with 8, onnxruntime-node aborts the process (SIGABRT, no message) during quilt's pool-on run
  // unless the toolkit's whole index (danfojs etc.) was loaded first: a GC-timing-dependent crash in the webgpu path.
  let backend: Backend | undefined;
  try {
    backend = await openBackend('webgpu');
    const workspace = await Workspace.open(spec);
    const runs: Record<string, ExperimentResult> = {};
    for (const pool of [true, false]) {
      progress(`schedule: webgpu quilt, pool ${pool ? 'on' : 'off'}, ${spec.requests} requests`);
      const { result } = await runAtWorkingBudget({ workspace, backend, budget: '60%', policies: ['quilt'], pool }, `webgpu pool ${pool ? 'on' : 'off'}`);
      runs[pool ? 'on' : 'off'] = result;
      rows.push(row(`webgpu pool ${pool ? 'on' : 'off'}`, result, 'quilt'));
    }
    const r = meanRatio(summaryOf(runs.on, 'quilt'), summaryOf(runs.off, 'quilt'));
    extra.webgpuPoolOnOff = r;
    return `webgpu (${backend.device}), quilt mean latency pool on/off = ${r === null ? 'n/a' : round(r)} on ${spec.requests} requests of resnet50 + mobilenetv2 (no goal)`;
  } catch (error) {
    return `failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await backend?.close?.();
  }
}
