/**
 * `quilt partition <model> --threshold <t> [--granularity quilt|layer|model] [--order file|reduced] [--backend b] [--out dir] [--json]`
 * and `quilt verify <model> --threshold <t> [--granularity ...] [--order ...] [--tolerance x] [--json]` (exit 0 only
 * within the tolerance: by default the one the dtypes of the cut tensors and outputs call for, see verify.ts).
 * `--order reduced` cuts the peak-reducing order (beyond the paper) instead of the file's. Demands are those of the
 * backend the plan is for (default cpu): its runtime memory (`Backend.runtimeMemory`) is in every demand, as in the
 * ledger, the thresholds and the scheduler of `quilt run` on that backend.
 */
import { checkGranularity, checkOrderChoice, describePartition, openAndPartition, writePartition } from '../../experiment/partition';
import { verifyPlan } from '../../experiment/verify';
import { RuntimeMemoryModel } from '../../memory/runtime-memory';
import { openBackend } from '../../sim/open';
import { formatBytes } from '../../core/units';
import { QuiltError } from '../../core/errors';
import { ParsedArgs, boolFlag, parseCommandArgs, requirePositional, stringFlag } from '../args';
import { formatTable, printJson } from '../output';
import { MODEL_FLAGS, modelOptions } from './model-flags';
import { Command } from './index';

const FLAGS = {
  ...MODEL_FLAGS, threshold: { type: 'string' as const }, granularity: { type: 'string' as const }, order: { type: 'string' as const },
  backend: { type: 'string' as const },
};

/** The runtime memory of the backend the plan is for (`--backend`, default cpu); undefined: liveness only. */
async function backendRuntime(args: ParsedArgs): Promise<RuntimeMemoryModel | undefined> {
  const backend = await openBackend(stringFlag(args, 'backend') ?? 'cpu');
  try {
    return await backend.runtimeMemory?.();
  } finally {
    await backend.close?.();
  }
}

async function request(args: ParsedArgs) {
  return {
    ...modelOptions(args),
    threshold: stringFlag(args, 'threshold'),
    granularity: checkGranularity(stringFlag(args, 'granularity') ?? 'quilt'),
    order: checkOrderChoice(stringFlag(args, 'order') ?? 'file'),
    runtime: await backendRuntime(args),
  };
}

export const partitionCommand: Command = {
  summary: 'cut a model into tasks whose peak memory stays under a threshold; --out writes the task models',
  async run(argv) {
    const args = parseCommandArgs('partition', argv, { ...FLAGS, out: { type: 'string' } });
    const ref = requirePositional(args, 0, 'a model', 'quilt partition <model> --threshold 50% [--granularity quilt|layer|model] [--out dir]');
    const { plan } = await openAndPartition(ref, await request(args));
    const out = stringFlag(args, 'out');
    const files = out === undefined ? [] : writePartition(plan, out);
    const described = describePartition(plan);
    if (boolFlag(args, 'json')) {
      printJson({ ...described, ...(out === undefined ? {} : { out, files }) });
      return 0;
    }
    process.stdout.write(`${plan.model}: ${plan.tasks.length} ${plan.granularity} tasks at threshold ${formatBytes(plan.thresholdBytes)}`
      + ` (smallest feasible ${formatBytes(plan.minFeasibleThreshold)}); cut ${formatBytes(plan.cutBytes)}, pool ${formatBytes(plan.pool.poolBytes)}`
      + ` (${formatBytes(plan.pool.noReuseBytes)} without reuse); demand = weights + runtime + activations, runtime model: ${described.runtime}\n`);
    process.stdout.write(`${formatTable(described.tasks.map((t) => ({
      task: t.index, ops: t.opCount, first: t.firstOp, last: t.lastOp, demand: formatBytes(t.peakBytes), weights: formatBytes(t.weightBytes),
      runtime: formatBytes(t.runtimeBytes), activations: formatBytes(t.peakActivationBytes),
    })))}\n`);
    if (out !== undefined) process.stdout.write(`wrote ${files.length} files to ${out}\n`);
    return 0;
  },
};

/** `--tolerance`: a positive number (a normwise relative difference), e.g. 1e-3. */
function toleranceFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x <= 0) throw new QuiltError(`--tolerance: '${text}' is not a positive number (example: --tolerance 1e-3)`);
  return x;
}

export const verifyCommand: Command = {
  summary: 'run the whole model and its chained tasks on the CPU and compare their outputs',
  async run(argv) {
    const args = parseCommandArgs('verify', argv, { ...FLAGS, tolerance: { type: 'string' } });
    const ref = requirePositional(args, 0, 'a model', 'quilt verify <model> --threshold 50% [--granularity quilt|layer|model] [--tolerance 1e-3]');
    const tolerance = toleranceFlag(stringFlag(args, 'tolerance'));
    const req = await request(args);
    const { plan } = await openAndPartition(ref, req);
    const cpu = await openBackend('cpu');
    let result;
    try {
      result = await verifyPlan(plan, cpu, { tolerance, inputValues: req.inputValues });
    } finally {
      await cpu.close?.();
    }
    if (boolFlag(args, 'json')) printJson(result);
    else {
      process.stdout.write(`${result.model}: ${result.tasks} ${result.granularity} tasks; max abs diff ${result.maxAbsDiff.toExponential(2)},`
        + ` max rel diff ${result.maxRelDiff.toExponential(2)} (tolerance ${result.tolerance.toExponential(2)}, ${result.toleranceFrom})`
        + ` -> ${result.ok ? 'equivalent' : 'DIFFERENT'}\n`);
    }
    return result.ok ? 0 : 1;
  },
};
