/**
 * Checks every invariant of a partition plan and throws a QuiltError naming the first violation:
 *   1. the order names every node once and is topological;
 *   2. the tasks are numbered 0.., non-empty, contiguous, in order, and cover the order exactly once;
 *   3. each task's weight, peak activation and demand bytes match a fresh evaluation (`rangeDemand`), its
 *      `weights` are the weights its nodes read, and for `quilt` each demand is <= the threshold, which is at
 *      least `minFeasibleThreshold` (the largest single-node demand, also recomputed);
 *   4. the cut tensors are exactly the values produced by one task and read by a later one (from the graph's
 *      consumer lists, independently of how `propose` found them), and cutBytes is their sum;
 *   5. each task's inputs are the activations it reads that it does not produce; its outputs are its cut
 *      tensors and the graph outputs it produces;
 *   6. the pool has one slot per cut tensor, as large as the tensor, alive over [producer, last consumer] task,
 *      with no two slots alive together sharing an address; poolBytes covers every slot and is at most
 *      noReuseBytes, the sum of slot sizes.
 */
import { QuiltError } from '../core/errors';
import { checkOrder } from '../memory/order';
import { demandModel, rangeDemand } from './demand';
import { PartitionPlan } from './plan';
import { slotsConflict } from './pool';
import { tightestStep } from './propose';

export function validate(plan: PartitionPlan): void {
  const { graph, order, tasks } = plan;
  const fail = (what: string): never => {
    throw new QuiltError(`invalid ${plan.granularity} plan for model '${plan.model}': ${what}`);
  };
  const name = (v: number): string => `'${graph.values[v].name}'`;
  const sameSet = (a: readonly number[], b: readonly number[]): boolean =>
    a.length === b.length && new Set(a).size === a.length && b.every((x) => a.includes(x));

  // 1. order
  try { checkOrder(graph, order); } catch (e) { fail((e as Error).message); }
  const model = demandModel(graph, order, plan.runtime);

  // 2. coverage
  let next = 0;
  tasks.forEach((t, i) => {
    if (t.index !== i) fail(`task at position ${i} says it is task ${t.index}`);
    if (t.start !== next) fail(`task ${i} starts at step ${t.start}, expected ${next}`);
    if (t.end <= t.start) fail(`task ${i} is empty ([${t.start}, ${t.end}))`);
    if (t.nodes.length !== t.end - t.start || t.nodes.some((n, k) => n !== order[t.start + k])) {
      fail(`task ${i}'s nodes are not the order's steps ${t.start}..${t.end - 1}`);
    }
    next = t.end;
  });
  if (next !== order.length) fail(`the tasks cover steps 0..${next - 1} of ${order.length}`);
  const taskOfNode = new Array<number>(graph.nodes.length).fill(-1);
  for (const t of tasks) for (const n of t.nodes) taskOfNode[n] = t.index;

  // 3. demands
  const tightest = tightestStep(model)?.demandBytes ?? 0;
  if (plan.minFeasibleThreshold !== tightest) fail(`minFeasibleThreshold is ${plan.minFeasibleThreshold}, recomputed ${tightest}`);
  if (plan.granularity === 'quilt' && plan.thresholdBytes < tightest) fail(`threshold ${plan.thresholdBytes} is below the smallest feasible ${tightest}`);
  for (const t of tasks) {
    const d = rangeDemand(model, t.start, t.end);
    if (d.weightBytes !== t.weightBytes || d.runtimeBytes !== (t.runtimeBytes ?? 0) || d.peakActivationBytes !== t.peakActivationBytes || d.demandBytes !== t.demandBytes) {
      fail(`task ${t.index} reports weights/peak/demand ${t.weightBytes}/${t.peakActivationBytes}/${t.demandBytes}, recomputed ${d.weightBytes}/${d.peakActivationBytes}/${d.demandBytes}`);
    }
    if (t.demandBytes !== t.weightBytes + (t.runtimeBytes ?? 0) + t.peakActivationBytes) {
      fail(`task ${t.index}: demand is not weights + runtime bytes + peak activations`);
    }
    if (plan.granularity === 'quilt' && t.demandBytes > plan.thresholdBytes) {
      fail(`task ${t.index} demands ${t.demandBytes} bytes, over the threshold ${plan.thresholdBytes}`);
    }
    if (t.weights !== undefined) {
      const read = new Set<number>();
      for (const n of t.nodes) for (const v of [...graph.nodes[n].inputs, ...graph.nodes[n].implicitInputs]) if (v >= 0 && graph.values[v].kind === 'weight') read.add(v);
      if (!sameSet(t.weights, [...read])) fail(`task ${t.index}'s weights are not the weights its nodes read`);
    }
  }

  // 4. cut tensors, from the consumer lists
  const expectedCuts = new Map<number, { producerTask: number; lastConsumerTask: number }>();
  for (const v of graph.values) {
    if (v.kind === 'weight' || v.producer < 0) continue;
    const producerTask = taskOfNode[v.producer];
    const last = Math.max(-1, ...v.consumers.map((c) => taskOfNode[c]));
    if (last > producerTask) expectedCuts.set(v.index, { producerTask, lastConsumerTask: last });
  }
  const reported = new Set<number>();
  for (const c of plan.cuts) {
    const expected = expectedCuts.get(c.value);
    if (expected === undefined) fail(`${name(c.value)} is listed as a cut tensor but no later task reads it`);
    else if (expected.producerTask !== c.producerTask || expected.lastConsumerTask !== c.lastConsumerTask) {
      fail(`cut ${name(c.value)} says tasks ${c.producerTask}->${c.lastConsumerTask}, expected ${expected.producerTask}->${expected.lastConsumerTask}`);
    }
    if (c.bytes !== graph.values[c.value].bytes) fail(`cut ${name(c.value)} has ${c.bytes} bytes, the value has ${graph.values[c.value].bytes}`);
    if (reported.has(c.value)) fail(`cut ${name(c.value)} is listed twice`);
    reported.add(c.value);
  }
  for (const v of expectedCuts.keys()) if (!reported.has(v)) fail(`${name(v)} crosses tasks but is not listed as a cut tensor`);
  const cutSum = plan.cuts.reduce((s, c) => s + c.bytes, 0);
  if (plan.cutBytes !== cutSum) fail(`cutBytes is ${plan.cutBytes}, the cut tensors sum to ${cutSum}`);

  // 5. task inputs and outputs
  const isGraphOutput = new Set(graph.outputs);
  for (const t of tasks) {
    const inputs = new Set<number>();
    const outputs = new Set<number>();
    for (const n of t.nodes) {
      const node = graph.nodes[n];
      for (const v of [...node.inputs, ...node.implicitInputs]) {
        if (v >= 0 && graph.values[v].kind !== 'weight' && (graph.values[v].producer < 0 || taskOfNode[graph.values[v].producer] !== t.index)) inputs.add(v);
      }
      for (const v of node.outputs) {
        if (graph.values[v].kind !== 'weight' && (isGraphOutput.has(v) || expectedCuts.get(v)?.producerTask === t.index)) outputs.add(v);
      }
    }
    if (!sameSet(t.inputs, [...inputs])) fail(`task ${t.index}'s inputs [${t.inputs.map(name)}] should be [${[...inputs].map(name)}]`);
    if (!sameSet(t.outputs, [...outputs])) fail(`task ${t.index}'s outputs [${t.outputs.map(name)}] should be [${[...outputs].map(name)}]`);
  }

  // 6. pool
  const { slots } = plan.pool;
  if (slots.length !== plan.cuts.length) fail(`the pool has ${slots.length} slots for ${plan.cuts.length} cut tensors`);
  for (const c of plan.cuts) {
    const mine = slots.filter((s) => s.value === c.value);
    if (mine.length !== 1) fail(`cut ${name(c.value)} has ${mine.length} pool slots`);
    const s = mine[0];
    if (s.size < c.bytes || s.fromTask !== c.producerTask || s.toTask !== c.lastConsumerTask || s.offset < 0) {
      fail(`the pool slot of ${name(c.value)} (offset ${s.offset}, size ${s.size}, tasks ${s.fromTask}..${s.toTask}) does not fit the tensor`);
    }
    if (s.offset + s.size > plan.pool.poolBytes) fail(`the pool slot of ${name(c.value)} ends past poolBytes ${plan.pool.poolBytes}`);
  }
  for (let a = 0; a < slots.length; a++) {
    for (let b = a + 1; b < slots.length; b++) {
      const x = slots[a];
      const y = slots[b];
      if (slotsConflict(x, y) && x.offset < y.offset + y.size && y.offset < x.offset + x.size) {
        fail(`pool slots of ${name(x.value)} and ${name(y.value)} are alive together and overlap`);
      }
    }
  }
  const slotSum = slots.reduce((s, x) => s + x.size, 0);
  if (plan.pool.noReuseBytes !== slotSum) fail(`noReuseBytes is ${plan.pool.noReuseBytes}, the slots sum to ${slotSum}`);
  if (plan.pool.poolBytes > plan.pool.noReuseBytes) fail(`poolBytes ${plan.pool.poolBytes} exceeds noReuseBytes ${plan.pool.noReuseBytes}`);
}
