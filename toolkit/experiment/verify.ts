/**
 * Equivalence of a partition plan: the chained task models must compute what the whole model computes.
 * Both run on the CPU backend on the same seeded random inputs (given input values where there are some);
 * for each graph output we take maxAbsDiff = max |chained - whole| and the normwise relative difference
 * maxAbsDiff / max |whole| (per-element relative errors blow up where the whole model's value is near zero).
 *
 * Tolerance: the largest default among the dtypes of the plan's cut tensors and the graph outputs, unless
 * one is given (`--tolerance`). float32/float64: 1e-4. float16: 16 u with unit round-off u = 2^-11, i.e.
 * 2^-7 (7.8e-3); bfloat16: 16 u with u = 2^-8, i.e. 2^-4. Why: a task boundary stores a cut tensor in its
 * dtype, so each element is rounded once (relative error <= u), while the whole model may keep such a value
 * in float32 between fused ops (onnxruntime computes fp16 ops in float32 on the CPU); the tasks after the cut
 * can amplify that rounding by their conditioning, for which 16 leaves room (measured: 1-3 u on published
 * fp16 models), while a wrong partition (a missing, stale or swapped tensor) differs by O(1).
 */
import * as ort from 'onnxruntime-node';
import { ShapedGraph } from '../graph/graph';
import { DType } from '../core/dtype';
import { fromHalfBits } from '../graph/half';
import { branchInputsWithoutValue } from '../graph/branch-inputs';
import { hasControlFlow, withSymbolicDims } from '../graph/symbolic-dims';
import { QuiltError, oneLine } from '../core/errors';
import { writeModel } from '../onnx/write';
import { Backend, TensorHandle } from '../runtime/backend';
import { loadChain, runChain } from '../runtime/chain';
import { randomFeeds } from '../runtime/feeds';
import { build } from '../partition/build';
import { PartitionPlan } from '../partition/plan';

export const DEFAULT_TOLERANCE = 1e-4;

/** Default tolerance per dtype of a cut tensor or output (see the header); other dtypes use DEFAULT_TOLERANCE. */
export const DTYPE_TOLERANCE: Readonly<Partial<Record<DType, number>>> = {
  float32: DEFAULT_TOLERANCE,
  float64: DEFAULT_TOLERANCE,
  float16: 16 * 2 ** -11,
  bfloat16: 16 * 2 ** -8,
};

/** The default tolerance for a plan, and the dtype it comes from. */
export function planTolerance(plan: PartitionPlan): { tolerance: number; dtype: DType } {
  const g = plan.graph;
  return dtypesTolerance([...plan.cuts.map((c) => c.value), ...g.outputs].map((v) => g.values[v].dtype));
}

/** The default tolerance for cut tensors and outputs of these dtypes: the largest of theirs (see the header). */
export function dtypesTolerance(dtypes: Iterable<DType>): { tolerance: number; dtype: DType } {
  let best = { tolerance: DEFAULT_TOLERANCE, dtype: 'float32' as DType };
  for (const dtype of dtypes) {
    const t = DTYPE_TOLERANCE[dtype] ?? DEFAULT_TOLERANCE;
    if (t > best.tolerance) best = { tolerance: t, dtype };
  }
  return best;
}

export interface Verification {
  readonly model: string;
  readonly granularity: string;
  readonly tasks: number;
  readonly maxAbsDiff: number;
  readonly maxRelDiff: number;
  readonly tolerance: number;
  /** Where the tolerance came from: 'given', or the dtype whose default it is. */
  readonly toleranceFrom: string;
  readonly ok: boolean;
}

function numbers(t: ort.Tensor): Float64Array {
  const d = t.data;
  if (t.type === 'float16' && d instanceof Uint16Array) return Float64Array.from(d, fromHalfBits);
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

export interface VerifyOptions {
  readonly seed?: number;
  /** Normwise relative tolerance; default: planTolerance's. */
  readonly tolerance?: number;
  /** Values of graph inputs by name (one value fills the tensor); the other inputs are random. */
  readonly inputValues?: Readonly<Record<string, readonly number[]>>;
}

async function runWhole(graph: ShapedGraph, backend: Backend, feeds: Record<string, TensorHandle>, given: ReadonlySet<number>) {
  try {
    // With control flow the reference keeps symbolic input dims (graph/symbolic-dims.ts), as the task models do.
    const wholeSession = await backend.load(writeModel(hasControlFlow(graph) ? withSymbolicDims(graph) : graph));
    try {
      return (await wholeSession.run(feeds)) as Record<string, ort.Tensor>;
    } finally {
      await wholeSession.dispose();
    }
  } catch (error) {
    if (error instanceof QuiltError) throw error;
    const names = branchInputsWithoutValue(graph, given).map((i) => graph.values[i].name);
    const hint = names.length === 0 ? '' : `; integer input ${names.map((n) => `'${n}'`).join(', ')} decides an If and got a random value:`
      + ` give one with ${names.map((n) => `--input-value ${n}=<v>`).join(' ')}`;
    throw new QuiltError(`verify: the whole model '${graph.name}' failed on onnxruntime: ${oneLine(error)}${hint}`);
  }
}

export async function verifyPlan(plan: PartitionPlan, backend: Backend, options: VerifyOptions = {}): Promise<Verification> {
  const graph: ShapedGraph = plan.graph;
  const inputValues = options.inputValues ?? {};
  const feeds = randomFeeds(graph, backend, options.seed ?? 7, inputValues);
  const outputNames = graph.outputs.map((i) => graph.values[i].name);
  const given = new Set(Object.keys(inputValues).map((n) => graph.valueByName.get(n) as number));
  const whole = await runWhole(graph, backend, feeds, given);
  const chain = await loadChain(backend, build(plan));
  let chained: Record<string, ort.Tensor>;
  try {
    chained = (await runChain(chain, feeds)) as Record<string, ort.Tensor>;
  } finally {
    await chain.dispose();
  }
  const { maxAbsDiff, maxRelDiff } = compareOutputs(whole, chained, outputNames);
  const auto = planTolerance(plan);
  const tolerance = options.tolerance ?? auto.tolerance;
  return {
    model: plan.model, granularity: plan.granularity, tasks: plan.tasks.length, maxAbsDiff, maxRelDiff, tolerance,
    toleranceFrom: options.tolerance === undefined ? auto.dtype : 'given', ok: maxRelDiff <= tolerance,
  };
}
