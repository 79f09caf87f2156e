/**
 * Where a one-operator session's time goes: every layer task of a zoo model (its real tensors, obtained by
 * running the chain once) is loaded in this process under several onnxruntime session-option variants, and
 * the variants run the same task alternately (A/B/C... per round, after warm-ups), so load on the machine hits
 * them alike. Reported per variant: the chain's sum of per-task medians and the same split by operator type;
 * plus, for the whole model, the median run under each optimisation level.
 *
 *   node dist/toolkit/bench/session-cost.js [model ...] [--rounds N] [--variants a,b,...] [--granularity layer|quilt]
 *
 * Only one task's sessions live at a time (memory stays that of one operator per variant).
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as ort from 'onnxruntime-node';
import { fileOrder } from '../graph/order';
import { propose } from '../partition/propose';
import { build } from '../partition/build';
import { analyzeMemory } from '../memory/profile';
import { randomFeeds } from '../runtime/feeds';
import { cpuSessionOptions } from '../runtime/cpu-session-options';
import { median, nowMs, openZoo, round } from './report';

type Options = ort.InferenceSession.SessionOptions;
const cores = os.cpus().length;

/** Session-option variants by name, each a change to the cpu backend's options with all cores. */
const VARIANTS: Record<string, () => Options> = {
  all: () => cpuSessionOptions(cores),
  extended: () => ({ ...cpuSessionOptions(cores), graphOptimizationLevel: 'extended' }),
  basic: () => ({ ...cpuSessionOptions(cores), graphOptimizationLevel: 'basic' }),
  disabled: () => ({ ...cpuSessionOptions(cores), graphOptimizationLevel: 'disabled' }),
  'all-1t': () => cpuSessionOptions(1),
  'extended-1t': () => ({ ...cpuSessionOptions(1), graphOptimizationLevel: 'extended' }),
  'all-parallel': () => ({ ...cpuSessionOptions(cores), executionMode: 'parallel' }),
  'all-noarena': () => ({ ...cpuSessionOptions(cores), enableCpuMemArena: false }),
  'all-mempattern': () => ({ ...cpuSessionOptions(cores), enableMemPattern: true }),
  'all-spin': () => ({ ...cpuSessionOptions(cores), extra: {} }),
};

interface Args { models: string[]; rounds: number; variants: string[]; granularity: 'layer' | 'quilt'; chain: boolean }

function args(argv: string[]): Args {
  const models: string[] = [];
  let chain = false;
  let rounds = 15;
  let variants = ['all', 'extended', 'basic', 'all-1t', 'extended-1t'];
  let granularity: 'layer' | 'quilt' = 'layer';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') rounds = Number(argv[++i]);
    else if (argv[i] === '--variants') variants = argv[++i].split(',');
    else if (argv[i] === '--granularity') granularity = argv[++i] as 'layer' | 'quilt';
    else if (argv[i] === '--chain') chain = true;
    else models.push(argv[i]);
  }
  for (const v of variants) if (!(v in VARIANTS)) throw new Error(`unknown variant '${v}' (${Object.keys(VARIANTS).join(', ')})`);
  return { models: models.length > 0 ? models : ['resnet50', 'mobilenetv2', 'bert-base'], rounds, variants, granularity, chain };
}

async function usOf(fn: () => Promise<unknown>): Promise<number> {
  const t0 = nowMs();
  await fn();
  return (nowMs() - t0) * 1000;
}

/** Median microseconds of each function, run alternately `rounds` times after 2 warm-up rounds. */
async function alternate(fns: (() => Promise<unknown>)[], rounds: number): Promise<number[]> {
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds + 2; r++) {
    for (const [i, fn] of fns.entries()) {
      const us = await usOf(fn);
      if (r >= 2) times[i].push(us);
    }
  }
  return times.map(median);
}

/** A zoo model cut as the probe needs it: one task per layer, or quilt's tasks at 50% of its peak (or the smallest feasible). */
async function openPlan(name: string, granularity: 'layer' | 'quilt') {
  const { graph, file } = await openZoo(name);
  const order = fileOrder(graph);
  const threshold = Math.max(Math.floor(analyzeMemory(graph, order).peakBytes / 2), propose(graph, order, { granularity: 'model' }).minFeasibleThreshold);
  const plan = granularity === 'layer' ? propose(graph, order, { granularity: 'layer' }) : propose(graph, order, { granularity: 'quilt', threshold });
  const factory = { tensor: (type: string, data: unknown, dims: readonly number[]) => new ort.Tensor(type as 'float32', data as Float32Array, dims) };
  return { graph, file, plan, models: build(plan), factory };
}

async function probe(name: string, rounds: number, variants: string[], granularity: 'layer' | 'quilt'): Promise<void> {
  const { graph, file, plan, models, factory } = await openPlan(name, granularity);
  const tensors: Record<string, ort.Tensor> = { ...(randomFeeds(graph, factory as never, 1) as Record<string, ort.Tensor>) };

  const wholeSessions = await Promise.all(['all', 'extended'].map((level) =>
    ort.InferenceSession.create(readFileSync(file), { ...cpuSessionOptions(cores), graphOptimizationLevel: level as 'all' })));
  const graphFeeds = Object.fromEntries(wholeSessions[0].inputNames.map((n) => [n, tensors[n]]));
  const whole = await alternate(wholeSessions.map((s) => () => s.run(graphFeeds)), Math.max(3, Math.floor(rounds / 3)));
  for (const s of wholeSessions) await s.release();
  console.log(`${name}: whole model, median ms: all ${round(whole[0] / 1000, 2)}, extended ${round(whole[1] / 1000, 2)}`);

  const sums = variants.map(() => 0);
  const byOp = new Map<string, { count: number; us: number[] }>();
  for (const [t, m] of models.entries()) {
    const sessions = await Promise.all(variants.map((v) => ort.InferenceSession.create(m.bytes, VARIANTS[v]())));
    const feeds = Object.fromEntries(m.inputNames.map((n) => [n, tensors[n]]));
    const us = await alternate(sessions.map((s) => () => s.run(feeds)), rounds);
    Object.assign(tensors, await sessions[0].run(feeds));
    for (const s of sessions) await s.release();
    us.forEach((u, i) => { sums[i] += u; });
    const ops = plan.tasks[t].nodes.map((n) => graph.nodes[n].opType).filter((op) => op !== 'Constant');
    const key = granularity === 'layer' ? ops.join('+') : `task${t}`;
    const entry = byOp.get(key) ?? { count: 0, us: variants.map(() => 0) };
    entry.count++;
    us.forEach((u, i) => { entry.us[i] += u; });
    byOp.set(key, entry);
  }
  console.log(`${name}: ${models.length} ${granularity} tasks, sum of per-task medians (ms): ${variants.map((v, i) => `${v} ${round(sums[i] / 1000, 2)}`).join(', ')}`);
  console.log(`  per operator type: count, then mean us per task for ${variants.join(' / ')}`);
  for (const [op, e] of [...byOp].sort((a, b) => b[1].us[0] - a[1].us[0])) {
    console.log(`  ${op.padEnd(28)} ${String(e.count).padStart(4)}  ${e.us.map((u) => round(u / e.count, 1)).join(' / ')}`);
  }
}

/**
 * The chain as the bench's in-process floor runs it: every task's session loaded, the tasks run one after the
 * other; the variants' chains alternate. Per variant: the median chain and, per operator type, the mean time a
 * task took inside the chain (cold: every other session ran in between).
 */
async function probeChain(name: string, rounds: number, variants: string[], granularity: 'layer' | 'quilt'): Promise<void> {
  const { graph, file, plan, models, factory } = await openPlan(name, granularity);
  const feeds = randomFeeds(graph, factory as never, 1) as Record<string, ort.Tensor>;
  const whole = await ort.InferenceSession.create(readFileSync(file), cpuSessionOptions(cores));
  const chains: ort.InferenceSession[][] = [];
  for (const v of variants) {
    const sessions: ort.InferenceSession[] = [];
    for (const m of models) sessions.push(await ort.InferenceSession.create(m.bytes, VARIANTS[v]()));
    chains.push(sessions);
  }
  const keys = plan.tasks.map((t, i) => (granularity === 'layer' ? t.nodes.map((n) => graph.nodes[n].opType).filter((op) => op !== 'Constant').join('+') : `task${i}`));
  const perTask = variants.map(() => models.map(() => [] as number[]));
  const runChain = async (c: number, record: boolean) => {
    const tensors: Record<string, ort.Tensor> = { ...feeds };
    for (const [i, s] of chains[c].entries()) {
      const taskFeeds: Record<string, ort.Tensor> = {};
      for (const n of models[i].inputNames) taskFeeds[n] = tensors[n];
      const t0 = nowMs();
      Object.assign(tensors, await s.run(taskFeeds));
      if (record) perTask[c][i].push((nowMs() - t0) * 1000);
    }
  };
  const wholeFeeds = Object.fromEntries(whole.inputNames.map((n) => [n, feeds[n]]));
  const times = [[] as number[], ...variants.map(() => [] as number[])];
  for (let r = 0; r < rounds + 1; r++) {
    const t0 = nowMs();
    await whole.run(wholeFeeds);
    if (r >= 1) times[0].push(nowMs() - t0);
    for (let c = 0; c < variants.length; c++) {
      const t1 = nowMs();
      await runChain(c, r >= 1);
      if (r >= 1) times[c + 1].push(nowMs() - t1);
    }
  }
  const ms = times.map(median);
  console.log(`${name}: chain of ${models.length} ${granularity} tasks in process, median ms: whole ${round(ms[0], 2)}; ${variants.map((v, i) => `${v} ${round(ms[i + 1], 2)}`).join(', ')}`);
  const byOp = new Map<string, { count: number; us: number[] }>();
  keys.forEach((key, i) => {
    const e = byOp.get(key) ?? { count: 0, us: variants.map(() => 0) };
    e.count++;
    variants.forEach((_, c) => { e.us[c] += median(perTask[c][i]); });
    byOp.set(key, e);
  });
  console.log(`  per operator type inside the chain: count, mean us per task for ${variants.join(' / ')}`);
  for (const [op, e] of [...byOp].sort((a, b) => b[1].us[0] - a[1].us[0])) {
    console.log(`  ${op.padEnd(28)} ${String(e.count).padStart(4)}  ${e.us.map((u) => round(u / e.count, 1)).join(' / ')}`);
  }
  await whole.release();
  for (const c of chains) for (const s of c) await s.release();
}

async function main(): Promise<void> {
  const { models, rounds, variants, granularity, chain } = args(process.argv.slice(2));
  console.log(`machine: ${os.cpus()[0]?.model}, ${cores} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const name of models) await (chain ? probeChain : probe)(name, rounds, variants, granularity);
}

if (require.main === module) {
  main().catch((error) => { process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`); process.exit(1); });
}
