/**
 * `quilt sim calibrate --backend cpu [--workload f] [--out file] [--json]`: measures this machine into a profile.
 * `quilt sim validate [--workload f] [--profile cpu-here] [--budget 60%] [--requests N] [--json]`: real cpu runs
 *   against simulated ones, per policy.
 * `quilt sim anchors [--json]`: the GPU profiles against published batch-1 latencies and weight-transfer times.
 * `quilt sim profiles [--json]`: the device profiles in datasets/devices.
 */
import * as path from 'node:path';
import { findRepoRoot } from '../../core/paths';
import { QuiltError } from '../../core/errors';
import { calibrateCpu, writeProfile } from '../../experiment/calibration/calibrate';
import { validateSim } from '../../experiment/calibration/validate';
import { checkAnchors } from '../../experiment/calibration/anchors';
import { listProfiles, loadProfile } from '../../sim/profile';
import { openBackend } from '../../sim/open';
import { boolFlag, intFlag, parseCommandArgs, stringFlag } from '../args';
import { formatTable, printJson } from '../output';
import { terminalProgress } from '../progress';
import { Command } from './index';

const USAGE = 'quilt sim calibrate --backend cpu [--out file] | validate [--workload f] [--profile cpu-here] | anchors | profiles';

async function calibrate(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs('sim calibrate', argv, { backend: { type: 'string' }, out: { type: 'string' }, workload: { type: 'string' }, repeats: { type: 'string' } });
  const root = findRepoRoot();
  const choice = stringFlag(args, 'backend') ?? 'cpu';
  if (choice !== 'cpu') throw new QuiltError(`sim calibrate --backend: only 'cpu' can be calibrated here (got '${choice}')`);
  const backend = await openBackend('cpu');
  const json = boolFlag(args, 'json');
  try {
    const profile = await calibrateCpu({
      backend, workload: stringFlag(args, 'workload') ?? path.join(root, 'datasets', 'workloads', 'default.json'),
      repeats: stringFlag(args, 'repeats') === undefined ? undefined : intFlag(args, 'repeats', 1),
      onStage: (s) => { if (!json) process.stderr.write(`calibrating: ${s}\n`); },
    });
    const out = stringFlag(args, 'out');
    if (out !== undefined) writeProfile(profile, out);
    if (json) printJson({ profile, file: out ?? null });
    else process.stdout.write(`${JSON.stringify(profile, null, 2)}\n${out ? `wrote ${out}\n` : ''}`);
  } finally {
    await backend.close?.();
  }
  return 0;
}

async function validate(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs('sim validate', argv, {
    workload: { type: 'string' }, profile: { type: 'string' }, budget: { type: 'string' }, requests: { type: 'string' }, policy: { type: 'string' },
  });
  const root = findRepoRoot();
  const json = boolFlag(args, 'json');
  const sim = await openBackend(`sim:${stringFlag(args, 'profile') ?? 'cpu-here'}`, { repoRoot: root });
  if (sim.hasDeviceMemory) throw new QuiltError(`sim validate --profile: '${sim.simulated?.profile}' models a GPU; validation compares with real cpu runs, so it needs a profile measured here (quilt sim calibrate)`);
  const real = await openBackend('cpu');
  const progress = terminalProgress(json);
  let current = '';
  try {
    const v = await validateSim({
      workload: stringFlag(args, 'workload') ?? path.join(root, 'datasets', 'workloads', 'default.json'),
      budget: stringFlag(args, 'budget') ?? '60%', real, sim,
      policies: stringFlag(args, 'policy')?.split(','),
      requests: stringFlag(args, 'requests') === undefined ? undefined : intFlag(args, 'requests', 1),
      onProgress: (stage, p) => {
        const label = `${stage}: ${p.policy}`;
        if (label !== current) { if (current) progress.stop(); current = label; progress.start(p.total, label); } else progress.tick(label);
        if (p.done === p.total) progress.stop();
      },
    });
    if (json) { printJson(v); return 0; }
    process.stdout.write(`${v.workload} workload, budget ${(v.budgetBytes / 2 ** 20).toFixed(0)} MiB\nreal: ${v.real}\nsim:  ${v.sim}\n`);
    process.stdout.write(`${formatTable(Object.entries(v.policies).map(([policy, p]) => ({ policy, ...p })))}\n`);
    process.stdout.write(`max |mean error| ${(100 * v.maxMeanRelError).toFixed(1)}%, max |p95 error| ${(100 * v.maxP95RelError).toFixed(1)}%\n`);
    for (const n of v.notRun) process.stdout.write(`not run: ${n.policy}: ${n.reason}\n`);
  } finally {
    await real.close?.();
  }
  return 0;
}

async function anchors(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs('sim anchors', argv, { profile: { type: 'string', multiple: true } });
  const root = findRepoRoot();
  const names = (args.values.profile as string[] | undefined) ?? ['h100', 'a100', 'v100'];
  const checks = await checkAnchors(await Promise.all(names.map((n) => openBackend(`sim:${n}`, { repoRoot: root }))));
  if (boolFlag(args, 'json')) { printJson({ simulated: true, checks }); return 0; }
  process.stdout.write(`${formatTable(checks.flatMap((c) => (c.published.length ? c.published : [undefined]).map((p) => ({
    profile: c.profile, what: c.what, simMs: Number(c.simMs.toFixed(3)), publishedMs: p?.ms ?? '', ratio: p ? Number(p.ratio.toFixed(2)) : '', regime: p?.regime ?? '',
  }))))}\n`);
  return 0;
}

async function profiles(argv: readonly string[]): Promise<number> {
  const args = parseCommandArgs('sim profiles', argv, {});
  const root = findRepoRoot();
  const list = listProfiles(root).map((n) => { const { profile, file } = loadProfile(n, root); return { name: n, title: profile.title, regime: profile.regime, file: path.relative(root, file) }; });
  if (boolFlag(args, 'json')) printJson({ profiles: list });
  else process.stdout.write(`${formatTable(list)}\n`);
  return 0;
}

export const simCommand: Command = {
  summary: 'the simulated device: calibrate a profile here, validate it against real runs, check GPU profiles against published figures',
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'calibrate') return calibrate(rest);
    if (sub === 'validate') return validate(rest);
    if (sub === 'anchors') return anchors(rest);
    if (sub === 'profiles') return profiles(rest);
    throw new QuiltError(`sim: '${sub ?? ''}' is not a sim command (usage: ${USAGE})`);
  },
};
