/**
 * The onnxruntime session options of the `cpu` backend, written once: its worker lanes and the memory probe
 * (`experiment/memory-probe.ts`) create sessions with exactly these, so what the probe measures is what a lane uses.
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
