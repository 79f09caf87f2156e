/** Profiling a model: open it, take the memory profile in the file's order, and summarise it. */
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
}

export function summarizeProfile(model: OpenedModel, profile: MemoryProfile): ProfileSummary {
  const g = model.graph;
  return {
    model: model.name,
    paramCount: parameterCount(g),
    weightBytes: profile.weightBytes,
    peakActivationBytes: profile.peakActivationBytes,
    peakBytes: profile.peakBytes,
    peakOp: profile.peakNode === undefined ? '' : `${profile.peakNode.name} (${profile.peakNode.op})`,
    peakStep: profile.peakStep,
    opCount: g.nodes.length,
    inputs: Object.fromEntries(g.inputs.map((i) => [g.values[i].name, g.values[i].shape])),
    shapesFromOnnxRuntime: g.resolution.fallbackValues.length,
  };
}

export async function profileModel(ref: string, options: ModelOptions = {}) {
  const model = await openModel(ref, options);
  const profile = analyzeMemory(model.graph, fileOrder(model.graph));
  return { model, profile, summary: summarizeProfile(model, profile) };
}
