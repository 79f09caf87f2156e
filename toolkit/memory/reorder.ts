/**
 * A peak-reducing order (beyond the paper; optional, off unless asked for): reorders the nodes, keeping the order
 * topological, to lower the peak live activation bytes as `analyzeMemory` measures them.
 *
 * Stages: (1) split off movable Constant nodes (every output a weight): they hold no activation bytes, so they
 * are left out of the search and put back just before their first reader; (2) search over the other nodes:
 *   exact  - for small graphs, a DP over the sets S of already-run nodes (Serenity-style): best(S) = min over
 *            ready u of max(step bytes of running u after S, best(S + u)), memoized by S as a bit mask; gives up
 *            (falls back) past `maxStates` memo entries;
 *   greedy - repeatedly run the ready node that adds the fewest live bytes (outputs kept minus inputs freed),
 *            ties to the smaller step bytes, then to the earlier position in the given order;
 * (3) measure every candidate (given order, greedy, exact) with `analyzeMemory` and keep the best; ties keep the
 * given order, so the pass never makes the peak worse.
 * Memory model of the search (the same as `liveness.ts`): before u runs, the live activations are graph inputs
 * and outputs of run nodes that are graph outputs or still have an unrun reader; u's step adds all its outputs;
 * graph inputs nobody reads add to the first step only.
 */
import { ShapedGraph } from '../graph/graph';
import { analyzeMemory } from './profile';
import { checkOrder, valuesReadBy } from './order';
import { isActivation } from './liveness';

export type ReorderMethod = 'file' | 'greedy' | 'exact';

export interface ReorderOptions {
  /** Run the exact DP when at most this many (non-Constant) nodes remain; default 24 (at most 30). */
  readonly exactNodeLimit?: number;
  /** Give up the exact DP past this many memoized sets; default 200000. */
  readonly maxStates?: number;
  /** Which searches to try; default both. */
  readonly methods?: readonly ('greedy' | 'exact')[];
}

export interface ReorderResult {
  readonly order: number[];
  /** Peak activation bytes of the given order and of the returned one. */
  readonly peakBefore: number;
  readonly peakAfter: number;
  /** Which candidate won: the given order ('file'), the greedy one, or the exact DP's. */
  readonly method: ReorderMethod;
}

interface SearchGraph {
  /** Nodes searched over, as graph node indices, in the given order's sequence. */
  readonly nodes: readonly number[];
  /** Per searched node k: searched nodes that must run before it (indices into `nodes`). */
  readonly preds: readonly (readonly number[])[];
  /** Per searched node: activations it produces, and activations it reads. */
  readonly outputs: readonly (readonly number[])[];
  readonly reads: readonly (readonly number[])[];
  /** Per value: searched nodes that read it (indices into `nodes`). */
  readonly readers: readonly (readonly number[])[];
  readonly isGraphOutput: ReadonlySet<number>;
  /** Bytes live before anything runs (graph inputs that someone reads or that are graph outputs). */
  readonly initialLive: number;
  /** Bytes of graph inputs nobody reads: live at the first step only. */
  readonly firstStepOnly: number;
}

function isMovableConstant(graph: ShapedGraph, nodeIndex: number): boolean {
  const node = graph.nodes[nodeIndex];
  return node.opType === 'Constant' && node.inputs.length === 0 && node.outputs.every((v) => !isActivation(graph.values[v]));
}

function searchGraph(graph: ShapedGraph, order: readonly number[]): SearchGraph {
  const nodes = order.filter((n) => !isMovableConstant(graph, n));
  const local = new Map<number, number>();
  nodes.forEach((n, k) => local.set(n, k));
  const isGraphOutput = new Set(graph.outputs);
  const readers: number[][] = graph.values.map(() => []);
  const reads: number[][] = [];
  const outputs: number[][] = [];
  const preds: number[][] = [];
  nodes.forEach((n, k) => {
    const node = graph.nodes[n];
    const r = valuesReadBy(node).filter((v) => isActivation(graph.values[v]));
    for (const v of r) readers[v].push(k);
    reads.push(r);
    outputs.push(node.outputs.filter((v) => isActivation(graph.values[v])));
    const p = new Set<number>();
    for (const v of r) {
      const producer = graph.values[v].producer;
      if (producer >= 0 && local.has(producer)) p.add(local.get(producer)!);
    }
    preds.push([...p]);
  });
  let initialLive = 0;
  let firstStepOnly = 0;
  for (const v of graph.values) {
    if (!isActivation(v) || (v.producer >= 0 && local.has(v.producer))) continue;
    if (readers[v.index].length > 0 || isGraphOutput.has(v.index)) initialLive += v.bytes;
    else firstStepOnly += v.bytes;
  }
  return { nodes, preds, outputs, reads, readers, isGraphOutput, initialLive, firstStepOnly };
}

/** Puts movable Constant nodes back, each just before its first reader (unread ones first). */
function withConstants(graph: ShapedGraph, order: readonly number[], searched: readonly number[]): number[] {
  const firstReaderOf = new Map<number, number[]>();
  const position = new Map<number, number>();
  searched.forEach((n, s) => position.set(n, s));
  const unread: number[] = [];
  for (const n of order) {
    if (!isMovableConstant(graph, n)) continue;
    let first = -1;
    for (const v of graph.nodes[n].outputs) {
      for (const c of graph.values[v].consumers) {
        const at = position.get(c) ?? -1;
        // a Constant read only by other Constants does not occur (Constants read nothing)
        if (at >= 0 && (first < 0 || at < position.get(first)!)) first = c;
      }
    }
    if (first < 0) unread.push(n);
    else firstReaderOf.set(first, [...(firstReaderOf.get(first) ?? []), n]);
  }
  const result = [...unread];
  for (const n of searched) result.push(...(firstReaderOf.get(n) ?? []), n);
  return result;
}

/** Bytes a node's run leaves behind and its step bytes, given the nodes already run (`done`) and the bytes live. */
function stepEffect(g: SearchGraph, graph: ShapedGraph, k: number, done: (j: number) => boolean, live: number, first: boolean) {
  let produced = 0;
  let kept = 0;
  for (const v of g.outputs[k]) {
    const b = graph.values[v].bytes;
    produced += b;
    if (g.isGraphOutput.has(v) || g.readers[v].some((j) => j !== k && !done(j))) kept += b;
  }
  let freed = 0;
  for (const v of g.reads[k]) {
    if (g.isGraphOutput.has(v)) continue;
    if (g.readers[v].every((j) => j === k || done(j))) freed += graph.values[v].bytes;
  }
  return { stepBytes: live + produced + (first ? g.firstStepOnly : 0), liveAfter: live + kept - freed, growth: kept - freed };
}

function greedyOrder(g: SearchGraph, graph: ShapedGraph): number[] {
  const m = g.nodes.length;
  const done = new Array<boolean>(m).fill(false);
  const waiting = g.preds.map((p) => p.length);
  const successors: number[][] = g.nodes.map(() => []);
  g.preds.forEach((p, k) => { for (const j of p) successors[j].push(k); });
  const ready = new Set<number>();
  waiting.forEach((w, k) => { if (w === 0) ready.add(k); });
  let live = g.initialLive;
  const result: number[] = [];
  while (result.length < m) {
    let best = -1;
    let bestEffect: ReturnType<typeof stepEffect> | undefined;
    for (const k of ready) {
      const e = stepEffect(g, graph, k, (j) => done[j], live, result.length === 0);
      if (bestEffect === undefined || e.growth < bestEffect.growth
        || (e.growth === bestEffect.growth && (e.stepBytes < bestEffect.stepBytes || (e.stepBytes === bestEffect.stepBytes && k < best)))) {
        best = k;
        bestEffect = e;
      }
    }
    ready.delete(best);
    done[best] = true;
    live = bestEffect!.liveAfter;
    result.push(g.nodes[best]);
    for (const s of successors[best]) if (--waiting[s] === 0) ready.add(s);
  }
  return result;
}

class TooManyStates extends Error {}

function exactOrder(g: SearchGraph, graph: ShapedGraph, maxStates: number): number[] {
  const m = g.nodes.length;
  const full = (1 << m) - 1; // m <= 30
  const predMask = g.preds.map((p) => p.reduce((mask, j) => mask | (1 << j), 0));
  const memo = new Map<number, { peak: number; next: number; live: number }>();
  const solve = (done: number, live: number): number => {
    if (done === full) return 0;
    const known = memo.get(done);
    if (known !== undefined) return known.peak;
    if (memo.size >= maxStates) throw new TooManyStates();
    let bestPeak = Infinity;
    let bestNext = -1;
    for (let k = 0; k < m; k++) {
      const bit = 1 << k;
      if ((done & bit) !== 0 || (predMask[k] & done) !== predMask[k]) continue;
      const e = stepEffect(g, graph, k, (j) => (done & (1 << j)) !== 0, live, done === 0);
      if (e.stepBytes >= bestPeak) continue;
      const peak = Math.max(e.stepBytes, solve(done | bit, e.liveAfter));
      if (peak < bestPeak) { bestPeak = peak; bestNext = k; }
    }
    memo.set(done, { peak: bestPeak, next: bestNext, live });
    return bestPeak;
  };
  solve(0, g.initialLive);
  const result: number[] = [];
  for (let done = 0; done !== full;) {
    const k = memo.get(done)!.next;
    result.push(g.nodes[k]);
    done |= 1 << k;
  }
  return result;
}

export function reduceMemoryOrder(graph: ShapedGraph, order: readonly number[], options: ReorderOptions = {}): ReorderResult {
  checkOrder(graph, order);
  const methods = options.methods ?? ['greedy', 'exact'];
  const exactLimit = Math.min(options.exactNodeLimit ?? 24, 30);
  const peakOf = (o: readonly number[]) => analyzeMemory(graph, o).peakActivationBytes;
  const peakBefore = peakOf(order);
  let best: ReorderResult = { order: [...order], peakBefore, peakAfter: peakBefore, method: 'file' };
  const consider = (searched: readonly number[], method: ReorderMethod) => {
    const candidate = withConstants(graph, order, searched);
    const peak = peakOf(candidate);
    if (peak < best.peakAfter) best = { order: candidate, peakBefore, peakAfter: peak, method };
  };
  const g = searchGraph(graph, order);
  if (methods.includes('greedy')) consider(greedyOrder(g, graph), 'greedy');
  if (methods.includes('exact') && g.nodes.length <= exactLimit) {
    try {
      consider(exactOrder(g, graph, options.maxStates ?? 200_000), 'exact');
    } catch (e) {
      if (!(e instanceof TooManyStates)) throw e;
    }
  }
  return best;
}
