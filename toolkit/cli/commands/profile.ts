/**
 * `quilt profile <model> [--input name=shape ...] [--batch N] [--seq N] [--backend b] [--json]`. With `--backend`,
 * peakActivationBytes follows that backend's runtime memory rules (the cpu provider's, or the GPU rules of
 * memory/gpu-runtime-memory.ts); without it, the liveness definition.
 */
import { profileModel } from '../../experiment/profile';
import { formatBytes } from '../../core/units';
import { boolFlag, parseCommandArgs, requirePositional, stringFlag } from '../args';
import { BACKEND_FLAGS, backendRuntime } from './backend-options';
import { printJson } from '../output';
import { MODEL_FLAGS, modelOptions } from './model-flags';
import { Command } from './index';

export const profileCommand: Command = {
  summary: 'memory profile of a model: weights, peak activations, the operator at the peak',
  async run(argv) {
    const args = parseCommandArgs('profile', argv, { ...MODEL_FLAGS, ...BACKEND_FLAGS });
    const ref = requirePositional(args, 0, 'a model (zoo:<name> or a path to .onnx)', 'quilt profile <model> [--input name=1x3x224x224]');
    const runtime = stringFlag(args, 'backend') === undefined ? undefined : await backendRuntime(args);
    const { summary } = await profileModel(ref, { ...modelOptions(args), runtime });
    if (boolFlag(args, 'json')) {
      printJson(summary);
    } else {
      process.stdout.write([
        `model            ${summary.model}`,
        `operators        ${summary.opCount}`,
        `parameters       ${(summary.paramCount / 1e6).toFixed(2)} M`,
        `weights          ${formatBytes(summary.weightBytes)}`,
        `peak activations ${formatBytes(summary.peakActivationBytes)} at step ${summary.peakStep}, ${summary.peakOp}`,
        `peak             ${formatBytes(summary.peakBytes)}`,
        `rules            ${summary.runtime} (liveness peak activations ${formatBytes(summary.livenessPeakActivationBytes)})`,
        ...(summary.contextBytes > 0 ? [`context          ${formatBytes(summary.contextBytes)} per process, paid by no task`] : []),
      ].join('\n') + '\n');
    }
    return 0;
  },
};
