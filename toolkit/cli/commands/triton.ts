/**
 * `quilt export triton --workload <file> --budget <b> [--backend <b>] [--threshold <t>] [--unit-mib N] [--force]
 *  --out <dir> [--figure x.svg] [--json]` (experiment/triton/export.ts; --figure draws the ensembles and their units,
 *  plot/triton-ensemble.ts), and `quilt verify --triton <dir> [--tolerance x] [--json]`
 * (experiment/triton/verify.ts; exit 0 only when every ensemble is within its tolerance).
 */
import { QuiltError } from '../../core/errors';
import { formatBytes } from '../../core/units';
import { openBackend } from '../../sim/open';
import { exportTriton } from '../../experiment/triton/export';
import { InstanceKind } from '../../experiment/triton/config';
import { checkOutFolder } from '../../experiment/triton/repository-folder';
import { verifyTritonRepository } from '../../experiment/triton/verify';
import { writeFileAtomic } from '../../core/atomic-write';
import { tritonEnsembleSvg } from '../../plot/triton-ensemble';
import { ParsedArgs, boolFlag, intFlag, parseCommandArgs, stringFlag } from '../args';
import { formatTable, printJson } from '../output';
import { Command } from './index';

const USAGE = 'quilt export triton --workload datasets/workloads/quick.json --budget 60% [--backend cpu] [--threshold 50%] [--unit-mib 1] [--force] --out triton-repo [--figure x.svg]';

/** The backend's runtime memory model (for the demands) and the kind of instance Triton should run its tasks on. */
async function backendFacts(name: string) {
  const backend = await openBackend(name);
  try {
    const kind: InstanceKind = backend.hasDeviceMemory ? 'KIND_GPU' : 'KIND_CPU';
    return { runtime: await backend.runtimeMemory?.(), kind, name: backend.name as string };
  } finally {
    await backend.close?.();
  }
}

export const exportCommand: Command = {
  summary: 'export a workload\'s plans: `export triton` writes a Triton model repository whose rate limiter holds the budget',
  async run(argv) {
    const args = parseCommandArgs('export', argv, {
      workload: { type: 'string' }, budget: { type: 'string' }, backend: { type: 'string' }, threshold: { type: 'string' },
      'unit-mib': { type: 'string' }, force: { type: 'boolean' }, out: { type: 'string' }, figure: { type: 'string' },
    });
    const target = args.positionals[0];
    if (target !== 'triton') throw new QuiltError(`export: ${target === undefined ? 'missing the target' : `unknown target '${target}'`} (only triton; usage: ${USAGE})`);
    const workload = stringFlag(args, 'workload');
    const budget = stringFlag(args, 'budget');
    const out = stringFlag(args, 'out');
    if (workload === undefined) throw new QuiltError(`missing --workload (usage: ${USAGE})`);
    if (budget === undefined) throw new QuiltError(`missing --budget (usage: ${USAGE})`);
    if (out === undefined) throw new QuiltError(`missing --out (usage: ${USAGE})`);
    checkOutFolder(out, boolFlag(args, 'force')); // before the backend's calibration, which may take a while
    const backend = await backendFacts(stringFlag(args, 'backend') ?? 'cpu');
    const unitMiB = intFlag(args, 'unit-mib', 1);
    const result = await exportTriton({
      workload, budget, out, threshold: stringFlag(args, 'threshold'), backend: backend.name, runtime: backend.runtime, kind: backend.kind,
      unitMiB, force: boolFlag(args, 'force'),
    });
    const figure = stringFlag(args, 'figure');
    if (figure !== undefined) writeFileAtomic(figure, tritonEnsembleSvg(result, unitMiB));
    if (boolFlag(args, 'json')) {
      printJson({ repository: result.repository, models: result.models, serve: result.serve });
      return 0;
    }
    process.stdout.write(`wrote ${out}: ${result.models.length} ensembles,`
      + ` ${result.models.reduce((s, m) => s + m.tasks.length, 0)} task models; budget ${formatBytes(result.budgetBytes)} = ${result.units} units of ${result.resource}\n`);
    process.stdout.write(`${formatTable(result.models.map((m) => ({
      ensemble: m.ensemble, model: m.model, tasks: m.tasks.length, units: m.tasks.map((t) => t.count).join(' '),
    })))}\n`);
    process.stdout.write(`serve it with (see SERVE.md):\n  ${result.serve}\n`);
    return 0;
  },
};

/** `quilt verify --triton <dir>`: called by the verify command when --triton is given. */
export async function verifyTritonCommand(args: ParsedArgs, dir: string, tolerance: number | undefined): Promise<number> {
  const backend = await openBackend('cpu', { lanes: 1 }); // one step at a time: one lane holds each session once
  try {
    const checks = await verifyTritonRepository(dir, backend, { tolerance });
    if (boolFlag(args, 'json')) {
      printJson({ models: checks.map((c) => ({ model: c.model, maxRelDiff: c.maxRelDiff, tolerance: c.tolerance, ok: c.ok })) });
    } else {
      process.stdout.write(`${formatTable(checks.map((c) => ({
        ensemble: c.model, steps: c.steps, maxAbsDiff: c.maxAbsDiff.toExponential(2), maxRelDiff: c.maxRelDiff.toExponential(2),
        tolerance: c.tolerance.toExponential(2), result: c.ok ? 'equivalent' : 'DIFFERENT',
      })))}\n`);
    }
    return checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    await backend.close?.();
  }
}
