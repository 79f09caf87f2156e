/**
 * Equivalence of a partition plan: the chained task models must compute what the whole model computes.
 * Both run on the CPU backend on the same seeded random inputs; for each graph output we take
 * maxAbsDiff = max |chained - whole| and the normwise relative difference maxAbsDiff / max |whole|
 * (per-element relative errors blow up where the whole model's value is near zero).
 */
import * as ort from 'onnxruntime-node';
import { ShapedGraph } from '../graph/graph';
import { writeModel } from '../onnx/write';
import { Backend } from '../runtime/backend';
import { loadChain, runChain } from '../runtime/chain';
import { randomFeeds } from '../runtime/feeds';
import { build } from '../partition/build';
import { PartitionPlan } from '../partition/plan';

export const DEFAULT_TOLERANCE = 1e-4;

export interface Verification {
  readonly model: string;
  readonly granularity: string;
  readonly tasks: number;
  readonly maxAbsDiff: number;
  readonly maxRelDiff: number;
  readonly tolerance: number;
  readonly ok: boolean;
}

function numbers(t: ort.Tensor): Float64Array {
  const d = t.data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float64Array.from(d, Number);
  return Float64Array.from(d as ArrayLike<number>);
}

export function compareOutputs(whole: Record<string, ort.Tensor>, chained: Record<string, ort.Tensor>, names: readonly string[]) {
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  for (const name of names) {
    const a = numbers(whole[name]);
    const b = chained[name] === undefined ? undefined : numbers(chained[name]);
    if (b === undefined || a.length !== b.length) return { maxAbsDiff: Infinity, maxRelDiff: Infinity };
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(a[i]));
    }
    if (Number.isNaN(diff)) diff = Infinity;
    maxAbsDiff = Math.max(maxAbsDiff, diff);
    maxRelDiff = Math.max(maxRelDiff, scale > 0 ? diff / scale : diff);
  }
  return { maxAbsDiff, maxRelDiff };
}

export async function verifyPlan(plan: PartitionPlan, backend: Backend, options: { seed?: number; tolerance?: number } = {}): Promise<Verification> {
  const graph: ShapedGraph = plan.graph;
  const feeds = randomFeeds(graph, backend, options.seed ?? 7);
  const outputNames = graph.outputs.map((i) => graph.values[i].name);
  const wholeSession = await backend.load(writeModel(graph));
  const whole = (await wholeSession.run(feeds)) as Record<string, ort.Tensor>;
  await wholeSession.dispose();
  const chain = await loadChain(backend, build(plan));
  const chained = (await runChain(chain, feeds)) as Record<string, ort.Tensor>;
  await chain.dispose();
  const { maxAbsDiff, maxRelDiff } = compareOutputs(whole, chained, outputNames);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  return {
    model: plan.model, granularity: plan.granularity, tasks: plan.tasks.length, maxAbsDiff, maxRelDiff, tolerance, ok: maxRelDiff <= tolerance,
  };
}
