/**
 * `npm run bench`: measures the toolkit's competitors side by side in one run and prints ratios, goal met /
 * NOT met next to each goal; writes results/bench/bench.json (atomically) and results/bench/bench.md
 * (bench-quick.json / .md with --quick).
 *
 *   node dist/toolkit/bench/main.js [--only zoo,load,profile,partition,chain,order,schedule,memory] [--quick] [--budget 2GiB|60%]
 *
 * Each section runs in a child process of its own (`--child <section>`, result sent back over IPC), so one section's
 * memory (models, sessions, worker lanes) is gone before the next starts and its timings start clean.
 * Progress goes to stderr, results to stdout. Exit status 0 even when a goal is missed (the bench reports,
 * it does not gate); 1 when a section crashed.
 */
import * as os from 'node:os';
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { findRepoRoot } from '../core/paths';
import { cpuProcessEnv } from '../runtime/cpu-process-env';
import { benchZoo } from './zoo';
import { benchLoad } from './load';
import { benchProfile } from './profile';
import { benchPartition } from './partition';
import { benchChain } from './chain';
import { benchOrder } from './order';
import { benchSchedule, benchWebgpuPool } from './schedule';
import { benchMemory } from './memory';
import { BenchContext, SectionResult, describeGoal, printSection, progress, writeResults } from './report';

const SECTIONS: Record<string, (ctx: BenchContext) => Promise<SectionResult>> = {
  zoo: benchZoo, load: benchLoad, profile: benchProfile, partition: benchPartition, chain: benchChain, order: benchOrder, schedule: benchSchedule,
  'schedule-webgpu': benchWebgpuPool, memory: benchMemory,
};
/** What each --only name runs: the scheduling section is the cpu comparison and then the webgpu pool run. */
const GROUPS: Record<string, string[]> = {
  zoo: ['zoo'], load: ['load'], profile: ['profile'], partition: ['partition'], chain: ['chain'], order: ['order'], schedule: ['schedule', 'schedule-webgpu'],
  memory: ['memory'],
};

const USAGE = `usage: node dist/toolkit/bench/main.js [--only ${Object.keys(GROUPS).join(',')}] [--quick] [--budget <bytes|size|N%>]`;

function parseArgs(argv: readonly string[]): { only: string[]; ctx: BenchContext; child?: string } {
  let only = Object.keys(GROUPS);
  let child: string | undefined;
  let quick = false;
  let budget: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--quick') quick = true;
    else if (flag === '--only') only = String(value() ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    else if (flag === '--budget') budget = value();
    else if (flag === '--child') child = value();
    else if (flag === '--help' || flag === '-h') { process.stdout.write(`${USAGE}\n`); process.exit(0); }
    else throw new Error(`unknown argument '${argv[i]}'\n${USAGE}`);
  }
  const unknown = only.filter((s) => !(s in GROUPS) && !(s in SECTIONS));
  if (unknown.length > 0 || only.length === 0) throw new Error(`--only: unknown section(s) ${unknown.join(', ') || '(none given)'}\n${USAGE}`);
  if (budget === undefined && argv.includes('--budget')) throw new Error(`--budget needs a value\n${USAGE}`);
  return { only, ctx: { quick, budget }, child };
}

/** Runs one section in a child process and returns its result (or throws what it threw). */
function runChild(name: string, argv: readonly string[]): Promise<SectionResult> {
  return new Promise((resolve, reject) => {
    // The section runs with the cpu backend's malloc settings, as `quilt` commands do (runtime/cpu-process-env.ts).
    const env = cpuProcessEnv(process.env) ?? process.env;
    const child = fork(__filename, [...argv, '--child', name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
    let answer: { result?: SectionResult; error?: string } | undefined;
    child.on('message', (m: { result?: SectionResult; error?: string }) => { answer = m; });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (answer?.result !== undefined) resolve(answer.result);
      else reject(new Error(answer?.error ?? `section '${name}' exited with ${signal ?? `code ${code}`} (killed for memory?)`));
    });
  });
}

async function childMain(name: string, ctx: BenchContext): Promise<void> {
  try {
    process.send!({ result: await SECTIONS[name](ctx) });
  } catch (error) {
    process.send!({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
  process.disconnect?.();
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { only, ctx, child } = parseArgs(argv);
  if (child !== undefined) {
    await childMain(child, ctx);
    return 0;
  }
  const machine = `${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
  const measured: SectionResult[] = [];
  const crashed: string[] = [];
  for (const name of only.flatMap((g) => GROUPS[g] ?? [g])) {
    progress(`section ${name}${ctx.quick ? ' (quick)' : ''}`);
    try {
      const r = await runChild(name, argv.filter((a, i) => a !== '--only' && argv[i - 1] !== '--only' && !a.startsWith('--only=')));
      measured.push(r);
      printSection(r);
    } catch (error) {
      crashed.push(name);
      process.stdout.write(`\n== ${name}: FAILED ==\n${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const goals = measured.flatMap((r) => r.goals);
  const missed = goals.filter((g) => !g.met);
  process.stdout.write(`\n== Summary ==\n${goals.length - missed.length}/${goals.length} goals met; load average ${load} on ${os.cpus().length} cores (other work on the machine skews timings)`
    + `${crashed.length > 0 ? `; sections that crashed: ${crashed.join(', ')}` : ''}\n`);
  for (const g of missed) process.stdout.write(`${describeGoal(g)}\n`);
  const files = writeResults(path.join(findRepoRoot(), 'results', 'bench'), ctx.quick ? 'bench-quick' : 'bench', measured, { machine, node: process.version, loadAverageAtEnd: load });
  progress(`wrote ${files.join(', ')}`);
  return crashed.length > 0 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
