/**
 * `quilt memory <model> [--input name=shape ...] [--input-value name=v[,v...] ...] [--threshold t] [--granularity g] [--out x.csv] [--json]`:
 * each task's predicted demand (with the cpu backend's runtime terms) beside the memory its session really used,
 * measured alone in a fresh process (see runtime/memory-probe.ts). Without --threshold it measures the whole model.
 * --out writes the rows, predicted by term beside measured, as a CSV with its metadata.
 */
import { measurePlanMemory, memoryTruthRows } from '../../experiment/measure-memory';
import { checkGranularity, openAndPartition } from '../../experiment/partition';
import { writeResults } from '../../experiment/results-io';
import { calibratedCpuRuntimeMemory } from '../../runtime/cpu-memory-model';
import { formatBytes } from '../../core/units';
import { boolFlag, parseCommandArgs, requirePositional, stringFlag } from '../args';
import { formatTable, printJson } from '../output';
import { MODEL_FLAGS, modelOptions } from './model-flags';
import { Command } from './index';

export const memoryCommand: Command = {
  summary: 'predicted demand of each task beside the memory its session really uses on the cpu backend',
  async run(argv) {
    const args = parseCommandArgs('memory', argv, { ...MODEL_FLAGS, threshold: { type: 'string' }, granularity: { type: 'string' }, out: { type: 'string' } });
    const ref = requirePositional(args, 0, 'a model', 'quilt memory <model> [--threshold 50%] [--granularity quilt|layer|model]');
    const threshold = stringFlag(args, 'threshold');
    const granularity = checkGranularity(stringFlag(args, 'granularity') ?? (threshold === undefined ? 'model' : 'quilt'));
    const runtime = await calibratedCpuRuntimeMemory();
    const { model, plan } = await openAndPartition(ref, { ...modelOptions(args), threshold, granularity, runtime });
    const truth = await measurePlanMemory(plan, { inputValues: model.inputValues });
    const out = stringFlag(args, 'out');
    if (out !== undefined) {
      writeResults(out, memoryTruthRows(plan, truth).map((r) => ({ model: truth.model, granularity: plan.granularity, thresholdBytes: plan.thresholdBytes, ...r })),
        { backend: 'cpu', extra: { runtime: runtime.name, runtimeCalibration: runtime.calibration, measured: 'VmHWM of a fresh process running the task once, less its level before the session, less the outputs\' JavaScript copies' } });
    }
    if (boolFlag(args, 'json')) {
      printJson({ model: truth.model, tasks: truth.tasks.map(({ index, predictedBytes, measuredBytes, relError }) => ({ index, predictedBytes, measuredBytes, relError })), maxRelError: truth.maxRelError });
      return 0;
    }
    process.stdout.write(`${truth.model}: ${plan.tasks.length} ${plan.granularity} task(s), runtime model: ${runtime.name}\n`);
    process.stdout.write(`${formatTable(truth.tasks.map((t) => ({
      task: t.index, predicted: formatBytes(t.predictedBytes), measured: formatBytes(t.measuredBytes), relError: `${(100 * t.relError).toFixed(1)}%`,
    })))}\nlargest |relError| ${(100 * truth.maxRelError).toFixed(1)}%\n`);
    if (out !== undefined) process.stdout.write(`wrote ${out}\n`);
    return 0;
  },
};
