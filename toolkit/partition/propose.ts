/**
 * The Quilt compiler's proposal step: cuts an order into tasks (contiguous ranges) and describes them.
 *
 * Stages: (1) gather per-step facts (`demandModel`); (2) the smallest feasible threshold = the largest demand of
 * one step alone; (3) choose the ranges for the granularity:
 *     model - one range;
 *     layer - one range per layer: an operator plus the activation that directly follows it (`layer.ts`, the
 *             rule and why); Constant nodes join their first reader's task;
 *     quilt - a DP over positions: best[j] = the lexicographically smallest (tasks, cut bytes) over cuttings of
 *             [0, j) into ranges of demand <= threshold. Demand is monotone under range inclusion, so every start
 *             i has a longest feasible end (`feasibleEnds`, two pointers) and the fewest-task count is
 *             non-decreasing in j; only starts i with best[i].tasks = best[j].tasks - 1 are tried. A value
 *             produced at step p and last read at step q is a cut exactly when a boundary lies in (p, q]; it is
 *             charged once, to the range that produces it, as crossing(i, j) = bytes produced in [i, j) and read at
 *             or after j (a Fenwick tree over production steps holding the values still read at or after j).
 * With `clamp`, a quilt threshold below the smallest feasible one is raised to it (else a QuiltError).
 * (4) describe the plan: tasks (nodes, inputs, outputs, weights, demand), cut tensors, pool plan.
 * Invariants (checked by `validate`): ranges cover the order once, in order; quilt demands <= threshold.
 */
import { ShapedGraph } from '../graph/graph';
import { QuiltError } from '../core/errors';
import { formatBytes } from '../core/units';
import { analyzeMemory } from '../memory/profile';
import { LIVENESS_ONLY, RuntimeMemoryModel } from '../memory/runtime-memory';
import { DemandModel, demandModel, feasibleEnds, rangeDemand } from './demand';
import { CutTensor, Granularity, PartitionPlan, Task } from './plan';
import { planPool } from './pool';
import { parseThreshold } from './threshold';
import { constantsBeforeReaders, layerRanges } from './layer';

export interface ProposeOptions {
  readonly granularity: Granularity;
  /**
   * Required for `quilt`: bytes, a size with a unit ('64MiB'), a percentage of the model's demand ('50%',
   * `modelDemandBytes`) or of its liveness peak ('50%peak'). Ignored otherwise.
   */
  readonly threshold?: number | string;
  /** Alignment of pool slots in bytes (default 1). */
  readonly poolAlignment?: number;
  /**
   * `quilt` only: a threshold below the smallest feasible one (the largest demand of one operator alone) is
   * raised to it instead of being an error. The plan's `thresholdBytes` is the threshold used.
   */
  readonly clamp?: boolean;
  /**
   * The runtime's own memory to include in every demand (`memory/runtime-memory.ts`); default: none (liveness only).
   * With one, a percentage threshold is a share of the model's demand under it (`modelDemandBytes`).
   */
  readonly runtime?: RuntimeMemoryModel;
}

/** A half-open range of steps [start, end). */
export type StepRange = readonly [number, number];

export function propose(graph: ShapedGraph, order: readonly number[], options: ProposeOptions): PartitionPlan {
  switch (options.granularity) {
    case 'model': {
      const model = demandModel(graph, order, options.runtime);
      const ranges: StepRange[] = order.length > 0 ? [[0, order.length]] : [];
      return describePlan(model, ranges, 'model', undefined, options);
    }
    case 'layer': {
      const model = demandModel(graph, constantsBeforeReaders(graph, order), options.runtime);
      return describePlan(model, layerRanges(model), 'layer', undefined, options);
    }
    case 'quilt': {
      const model = demandModel(graph, order, options.runtime);
      if (options.threshold === undefined) {
        throw new QuiltError(`model '${graph.name}': granularity 'quilt' needs a threshold (bytes, e.g. 64MiB, or a percentage of the model's demand, e.g. 50%)`);
      }
      const tightest = tightestStep(model);
      const asked = parseThreshold(options.threshold, modelDemandBytes(model), 'threshold', analyzeMemory(graph, order).peakBytes);
      const threshold = options.clamp === true && tightest !== undefined ? Math.max(asked, tightest.demandBytes) : asked;
      if (tightest !== undefined && tightest.demandBytes > threshold) {
        const node = graph.nodes[order[tightest.step]];
        throw new QuiltError(
          `model '${graph.name}': threshold ${describeBytes(threshold)} is too small: operator '${node.name}' (${node.opType}) alone `
          + `demands ${describeBytes(tightest.demandBytes)}; the smallest threshold that works is ${describeBytes(tightest.demandBytes)}`,
        );
      }
      return describePlan(model, quiltRanges(model, threshold), 'quilt', threshold, options);
    }
    default:
      throw new QuiltError(`unknown granularity '${String((options as { granularity: unknown }).granularity)}' (use quilt, layer or model)`);
  }
}

function describeBytes(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes} B)`;
}

/**
 * The model's demand, what a percentage threshold is a share of: the larger of the whole model's demand as one task
 * and the largest demand of one operator as a task alone (the smallest feasible threshold), both with the model's
 * runtime terms. With the runtime's terms an operator alone can demand more than the whole model (a task keeps
 * the tensors it receives to its end, copies blocked ones in and the ones it hands on back), so taking the whole
 * model's demand alone could make '95%' less than one operator; with the larger, '100%' always partitions.
 */
export function modelDemandBytes(model: DemandModel): number {
  return Math.max(rangeDemand(model, 0, model.order.length).demandBytes, tightestStep(model)?.demandBytes ?? 0);
}

/** The smallest threshold at which a quilt plan exists: the largest demand of one operator alone (0 for none). */
export function smallestFeasibleThreshold(graph: ShapedGraph, order: readonly number[]): number {
  return tightestStep(demandModel(graph, order))?.demandBytes ?? 0;
}

/** The step whose node alone demands the most (the first such step), or undefined for an empty order. */
export function tightestStep(model: DemandModel): { step: number; demandBytes: number } | undefined {
  let best: { step: number; demandBytes: number } | undefined;
  for (let s = 0; s < model.order.length; s++) {
    const demandBytes = rangeDemand(model, s, s + 1).demandBytes;
    if (best === undefined || demandBytes > best.demandBytes) best = { step: s, demandBytes };
  }
  return best;
}

/** The quilt DP: fewest ranges of demand <= threshold, and among those the least cut bytes. */
export function quiltRanges(model: DemandModel, threshold: number): StepRange[] {
  const n = model.order.length;
  if (n === 0) return [];
  const values = model.graph.values;
  const reach = feasibleEnds(model, threshold);
  // Values that can be cut: produced by a node and read by a later one. Bucketed by their last read step.
  const readAtOrAfter = new Fenwick(n);
  const leavingAt: number[][] = Array.from({ length: n }, () => []);
  for (const v of values) {
    const p = model.producedAt[v.index];
    const reads = model.readSteps[v.index];
    if (p < 0 || reads.length === 0 || v.kind === 'weight') continue;
    readAtOrAfter.add(p, v.bytes);
    leavingAt[reads[reads.length - 1]].push(v.index);
  }
  const lastRead = (v: number): number => model.readSteps[v][model.readSteps[v].length - 1];
  const tasks = new Int32Array(n + 1);
  const cutBytes = new Float64Array(n + 1);
  const from = new Int32Array(n + 1);
  const lastWithTasks: number[] = [0];
  let h = 0;
  for (let j = 1; j <= n; j++) {
    for (const v of leavingAt[j - 1]) readAtOrAfter.add(model.producedAt[v], -values[v].bytes);
    while (reach[h] < j) h++;
    const fewer = tasks[h];
    const k = lastWithTasks[fewer];
    const producedBeforeEnd = readAtOrAfter.prefix(j);
    let producedBeforeStart = readAtOrAfter.prefix(k);
    let best = Infinity;
    let bestStart = k;
    for (let i = k; i >= h; i--) {
      if (i < k) for (const v of model.produced[i]) if (model.readSteps[v].length > 0 && lastRead(v) >= j) producedBeforeStart -= values[v].bytes;
      const total = cutBytes[i] + (producedBeforeEnd - producedBeforeStart);
      if (total < best) { best = total; bestStart = i; }
    }
    tasks[j] = fewer + 1;
    cutBytes[j] = best;
    from[j] = bestStart;
    lastWithTasks[fewer + 1] = j;
  }
  const ranges: StepRange[] = [];
  for (let j = n; j > 0; j = from[j]) ranges.push([from[j], j]);
  return ranges.reverse();
}

/** Sums over positions 0..size-1: add at a position, sum of positions below a bound, both O(log size). */
class Fenwick {
  private readonly tree: Float64Array;
  constructor(size: number) { this.tree = new Float64Array(size + 1); }
  add(position: number, delta: number): void {
    for (let i = position + 1; i < this.tree.length; i += i & -i) this.tree[i] += delta;
  }
  /** Sum over positions [0, bound). */
  prefix(bound: number): number {
    let sum = 0;
    for (let i = bound; i > 0; i -= i & -i) sum += this.tree[i];
    return sum;
  }
}

/** Builds the full plan for chosen ranges: tasks with inputs, outputs and demands; cut tensors; the pool. */
export function describePlan(
  model: DemandModel,
  ranges: readonly StepRange[],
  granularity: Granularity,
  threshold: number | undefined,
  options: { readonly poolAlignment?: number } = {},
): PartitionPlan {
  const { graph, order } = model;
  const taskOfStep = new Int32Array(order.length);
  ranges.forEach(([start, end], t) => { for (let s = start; s < end; s++) taskOfStep[s] = t; });
  const taskOfProducer = (v: number): number => (model.producedAt[v] >= 0 ? taskOfStep[model.producedAt[v]] : -1);
  const cuts: CutTensor[] = [];
  const lastConsumerTask = new Map<number, number>();
  for (const value of graph.values) {
    const producerTask = taskOfProducer(value.index);
    const reads = model.readSteps[value.index];
    if (value.kind === 'weight' || producerTask < 0 || reads.length === 0) continue;
    const lastTask = taskOfStep[reads[reads.length - 1]];
    if (lastTask === producerTask) continue;
    cuts.push({ value: value.index, bytes: value.bytes, producerTask, lastConsumerTask: lastTask });
    lastConsumerTask.set(value.index, lastTask);
  }
  const isGraphOutput = new Set(graph.outputs);
  const tasks: Task[] = ranges.map(([start, end], index) => {
    const inputs: number[] = [];
    const outputs: number[] = [];
    const weights: number[] = [];
    const seen = new Set<number>();
    for (let s = start; s < end; s++) {
      for (const v of model.activationReads[s]) {
        if (!seen.has(v) && taskOfProducer(v) !== index) { seen.add(v); inputs.push(v); }
      }
      for (const w of model.weightReads[s]) if (!seen.has(w)) { seen.add(w); weights.push(w); }
      for (const v of model.produced[s]) if (lastConsumerTask.has(v) || isGraphOutput.has(v)) outputs.push(v);
    }
    const demand = rangeDemand(model, start, end);
    return {
      index, start, end, nodes: order.slice(start, end), inputs, outputs, weights,
      weightBytes: demand.weightBytes, runtimeBytes: demand.runtimeBytes, peakActivationBytes: demand.peakActivationBytes,
      demandBytes: demand.demandBytes,
    };
  });
  const tightest = tightestStep(model);
  const largestTask = tasks.reduce((top, t) => Math.max(top, t.demandBytes), 0);
  return {
    graph,
    model: graph.name,
    granularity,
    thresholdBytes: threshold ?? largestTask,
    minFeasibleThreshold: tightest?.demandBytes ?? 0,
    modelDemandBytes: Math.max(rangeDemand(model, 0, order.length).demandBytes, tightest?.demandBytes ?? 0),
    order,
    tasks,
    cuts,
    cutBytes: cuts.reduce((sum, c) => sum + c.bytes, 0),
    pool: planPool(cuts, { alignment: options.poolAlignment }),
    ...(model.runtime === LIVENESS_ONLY ? {} : { runtime: model.runtime }),
  };
}
