/**
 * The onnxruntime session options of the `cpu` backend, written once: its worker lanes and the memory probe
 * (`experiment/memory-probe.ts`) create sessions with exactly these, so what the probe measures is what a lane uses.
 *
 * One set for every session, whole models and one-layer tasks alike. Per-task alternatives were measured with
 * `bench/session-cost.ts` (each layer task of a zoo model run alone under every variant, variants alternating;
 * 2-core machine under load, so only differences that held in every run count) and none was adopted:
 *   - optimisation level 'extended' instead of 'all' (no NCHWc layout, so a lone Conv reorders nothing): the
 *     lone Conv is slower, not faster (ResNet-50 1117 -> 1355 us a Conv, MobileNetV2 275 -> 338 us; the
 *     blocked kernels win more than the two reorders cost), and whole models lose more (MobileNetV2 6.3 -> 13.1
 *     ms); 'basic' as 'extended';
 *   - one intra-op thread instead of cores / lanes: mixed (the MobileNetV2 layer chain gained, ResNet-50's
 *     lost, BERT's MatMuls took 1.6x as long), so no rule by operator or size would be one we measured;
 *   - parallel execution mode (BERT 126 -> 121 ms summed, ResNet-50 72 -> 74: noise), no CPU arena (slower in both).
 * What did cost a one-layer task most was the fresh buffer every output is handed over in (page faults),
 * which the process's malloc settings fix (`cpu-process-env.ts`), and a separate task for an activation,
 * which the layer granularity now folds into its operator (`partition/layer.ts`).
 */
import type * as ort from 'onnxruntime-node';
import { ortSessionLogOptions } from '../onnx/ort-log';

export function cpuSessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1,
    graphOptimizationLevel: 'all', ...ortSessionLogOptions(),
    // No memory pattern: with it, the second run allocates the whole planned block while the arena keeps the
    // chunks of the first run, so a session holds both (measured by \`quilt memory\`: ResNet-50 at 1024x1024 used
    // 293 MiB of activations with the pattern, 145 MiB without, and ran no slower).
    enableMemPattern: false,
    // Idle intra-op threads must not spin: every session has its own pool, and a finished session's spinning
    // threads steal the cores from the next one (measured by the bench: a 100-task chain of MobileNetV2 took
    // 2 s spinning, 0.1 s not; whole models are as fast or faster without spinning).
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

/** Lanes and intra-op threads per lane of the cpu backend: lanes default to the cores, threads to cores / lanes. */
export function cpuLaneLayout(cores: number, lanes?: number, threadsPerLane?: number): { lanes: number; threads: number } {
  const laneCount = Math.max(1, Math.floor(lanes ?? cores));
  return { lanes: laneCount, threads: Math.max(1, Math.floor(threadsPerLane ?? cores / laneCount)) };
}
