/**
 * Profiling a model: open it, take the memory profile in the file's order, and summarise it. With a backend's
 * runtime memory rules (`runtime`), peakActivationBytes and peakBytes are the whole model's as one task under those
 * rules (partition/demand.ts: the same rules the partitioner and the ledger use); the liveness figures stay beside
 * them.
 */
import { demandModel, rangeDemand } from '../partition/demand';
import { RuntimeMemoryModel } from '../memory/runtime-memory';
import { parameterCount } from '../graph/graph';
import { fileOrder } from '../graph/order';
import { analyzeMemory, MemoryProfile } from '../memory/profile';
import { ModelOptions, OpenedModel, openModel } from './model-source';

export interface ProfileSummary {
  readonly model: string;
  readonly paramCount: number;
  readonly weightBytes: number;
  readonly peakActivationBytes: number;
  readonly peakBytes: number;
  /** The operator at the peak, as `<node name> (<op type>)`. */
  readonly peakOp: string;
  readonly peakStep: number;
  readonly opCount: number;
  readonly inputs: Record<string, readonly number[]>;
  /** Values whose shapes static inference could not find and onnxruntime gave instead. */
  readonly shapesFromOnnxRuntime: number;
  /** The runtime rules peakActivationBytes follows ('liveness only' without a backend). */
  readonly runtime: string;
  /** The liveness definition's peak activation bytes (equal to peakActivationBytes without a backend). */
  readonly livenessPeakActivationBytes: number;
  /** Device memory the backend's runtime takes once per process (a CUDA context), paid by no task; 0 where none. */
  readonly contextBytes: number;
}

export function summarizeProfile(model: OpenedModel, profile: MemoryProfile, runtime?: RuntimeMemoryModel): ProfileSummary {
  const g = model.graph;
  const ruled = runtime === undefined ? undefined : rangeDemand(demandModel(g, profile.order, runtime), 0, profile.order.length);
  return {
    model: model.name,
    paramCount: parameterCount(g),
    weightBytes: profile.weightBytes,
    peakActivationBytes: ruled?.peakActivationBytes ?? profile.peakActivationBytes,
    peakBytes: ruled === undefined ? profile.peakBytes : ruled.demandBytes,
    peakOp: profile.peakNode === undefined ? '' : `${profile.peakNode.name} (${profile.peakNode.op})`,
    peakStep: profile.peakStep,
    opCount: g.nodes.length,
    inputs: Object.fromEntries(g.inputs.map((i) => [g.values[i].name, g.values[i].shape])),
    shapesFromOnnxRuntime: g.resolution.fallbackValues.length,
    runtime: runtime?.name ?? 'liveness only',
    livenessPeakActivationBytes: profile.peakActivationBytes,
    contextBytes: runtime?.contextBytes ?? 0,
  };
}

export async function profileModel(ref: string, options: ModelOptions & { runtime?: RuntimeMemoryModel } = {}) {
  const model = await openModel(ref, options);
  const profile = analyzeMemory(model.graph, fileOrder(model.graph));
  return { model, profile, summary: summarizeProfile(model, profile, options.runtime) };
}
