import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { ShapedGraph } from '../graph/graph';
import { QuiltError } from '../core/errors';
import { fileOrder } from '../graph/order';
import { analyzeMemory } from '../memory/profile';
import { bytesTensor, randomDag, shapeGraph } from '../memory/test-support';
import { demandModel, rangeDemand } from './demand';
import { propose } from './propose';
import { validate } from './validate';

/** x(1) -A-> a(50) -B-> b(1) -C-> c(50) -D-> y(1); every node reads its own 100-byte weight. */
function heavyChain(): ShapedGraph {
  const g = new GraphBuilder('heavy');
  g.input('x', 'uint8', [1]);
  let prev = 'x';
  for (const op of ['A', 'B', 'C', 'D']) {
    g.initializer(`w${op}`, bytesTensor(100));
    prev = g.op(op, [prev, `w${op}`], {}, op);
  }
  g.output(prev);
  return shapeGraph(g.finish(), { A_out: 50, B_out: 1, C_out: 50, D_out: 1 });
}

test('quilt: fewest tasks, and among them the cheapest cut (not the greedy longest prefix)', () => {
  const graph = heavyChain();
  const plan = propose(graph, fileOrder(graph), { granularity: 'quilt', threshold: 351 });
  validate(plan);
  assert.deepEqual(plan.tasks.map((t) => [t.start, t.end]), [[0, 2], [2, 4]]);
  assert.equal(plan.cutBytes, 1);
  assert.deepEqual(plan.cuts, [{ value: graph.valueByName.get('B_out')!, bytes: 1, producerTask: 0, lastConsumerTask: 1 }]);
  assert.deepEqual(plan.tasks[0].inputs, [graph.valueByName.get('x')]);
  assert.deepEqual(plan.tasks[0].outputs, [graph.valueByName.get('B_out')]);
  assert.deepEqual(plan.tasks[1].inputs, [graph.valueByName.get('B_out')]);
  assert.deepEqual(plan.tasks[1].outputs, [graph.valueByName.get('D_out')]);
  assert.deepEqual(plan.tasks.map((t) => [t.weightBytes, t.peakActivationBytes, t.demandBytes]), [[200, 51, 251], [200, 51, 251]]);
  assert.equal(plan.minFeasibleThreshold, 151);
  assert.equal(plan.thresholdBytes, 351);
  assert.deepEqual(plan.pool, { slots: [{ value: graph.valueByName.get('B_out'), offset: 0, size: 1, fromTask: 0, toTask: 1 }], poolBytes: 1, noReuseBytes: 1 });
});

test('quilt thresholds as units and percentages; the whole model fits at 100%', () => {
  const graph = heavyChain();
  const peak = analyzeMemory(graph, fileOrder(graph)).peakBytes;
  assert.equal(peak, 451);
  const whole = propose(graph, fileOrder(graph), { granularity: 'quilt', threshold: '100%' });
  assert.equal(whole.tasks.length, 1);
  assert.equal(whole.tasks[0].demandBytes, 451);
  const tight = propose(graph, fileOrder(graph), { granularity: 'quilt', threshold: '151B' });
  assert.equal(tight.tasks.length, 4);
  assert.equal(tight.cutBytes, 101);
  validate(tight);
});

test('an infeasible threshold names the operator, its demand and the smallest threshold that works', () => {
  const graph = heavyChain();
  assert.throws(
    () => propose(graph, fileOrder(graph), { granularity: 'quilt', threshold: 150 }),
    (e: unknown) => e instanceof QuiltError && /operator 'A' \(A\) alone demands .*151 B/.test(e.message) && /smallest threshold that works is .*151 B/.test(e.message),
  );
  assert.throws(() => propose(graph, fileOrder(graph), { granularity: 'quilt' }), (e: unknown) => e instanceof QuiltError && /needs a threshold/.test(e.message));
});

test('model: one task with no cuts; layer: one task per operator with Constants joining their first reader', () => {
  const g = new GraphBuilder('layers');
  g.input('x', 'uint8', [10]);
  const k = g.constant('k', bytesTensor(7)); // step 0, read first by B
  const a = g.op('A', ['x'], {}, 'A');
  const b = g.op('B', [a, k], {}, 'B');
  g.output(g.op('C', [b, k, a], {}, 'C'));
  const graph = shapeGraph(g.finish(), { A_out: 20, B_out: 30, C_out: 5 });
  const model = propose(graph, fileOrder(graph), { granularity: 'model' });
  validate(model);
  assert.equal(model.tasks.length, 1);
  assert.equal(model.cuts.length, 0);
  assert.equal(model.tasks[0].demandBytes, analyzeMemory(graph, fileOrder(graph)).peakBytes);
  const layer = propose(graph, fileOrder(graph), { granularity: 'layer' });
  validate(layer);
  const names = layer.tasks.map((t) => t.nodes.map((n) => graph.nodes[n].name));
  assert.deepEqual(names, [['A'], ['k_const', 'B'], ['C']]);
  // C reads the Constant held by task 1: it carries that weight too
  assert.deepEqual(layer.tasks[2].weights, [graph.valueByName.get('k')]);
  assert.equal(layer.tasks[2].weightBytes, 7);
  assert.deepEqual(layer.cuts.map((c) => [graph.values[c.value].name, c.producerTask, c.lastConsumerTask]), [['A_out', 0, 2], ['B_out', 1, 2]]);
  assert.equal(layer.cutBytes, 50);
  assert.equal(layer.pool.poolBytes, 50);
});

/** The best (tasks, cut bytes) over every way to cut the order into contiguous ranges, by brute force. */
function bruteForce(graph: ShapedGraph, threshold: number): { tasks: number; cutBytes: number } | undefined {
  const order = fileOrder(graph);
  const model = demandModel(graph, order);
  const n = order.length;
  let best: { tasks: number; cutBytes: number } | undefined;
  for (let mask = 0; mask < 2 ** (n - 1); mask++) {
    const bounds = [0];
    for (let s = 1; s < n; s++) if (mask & (1 << (s - 1))) bounds.push(s);
    bounds.push(n);
    const taskOfNode = new Array<number>(n);
    let feasible = true;
    for (let t = 0; t + 1 < bounds.length && feasible; t++) {
      feasible = rangeDemand(model, bounds[t], bounds[t + 1]).demandBytes <= threshold;
      for (let s = bounds[t]; s < bounds[t + 1]; s++) taskOfNode[order[s]] = t;
    }
    if (!feasible) continue;
    let cutBytes = 0;
    for (const v of graph.values) {
      if (v.kind === 'weight' || v.producer < 0) continue;
      if (v.consumers.some((c) => taskOfNode[c] > taskOfNode[v.producer])) cutBytes += v.bytes;
    }
    const tasks = bounds.length - 1;
    if (best === undefined || tasks < best.tasks || (tasks === best.tasks && cutBytes < best.cutBytes)) best = { tasks, cutBytes };
  }
  return best;
}

test('quilt plans are optimal: equal to brute force over all cuttings of random DAGs, at several thresholds', () => {
  let compared = 0;
  for (let seed = 1; seed <= 80; seed++) {
    const graph = randomDag(seed, 6 + (seed % 5));
    const order = fileOrder(graph);
    const model = demandModel(graph, order);
    const n = order.length;
    let smallest = 0;
    for (let s = 0; s < n; s++) smallest = Math.max(smallest, rangeDemand(model, s, s + 1).demandBytes);
    const whole = rangeDemand(model, 0, n).demandBytes;
    for (const threshold of [smallest, smallest + Math.floor((whole - smallest) / 4), Math.floor((smallest + whole) / 2), whole - 1, whole]) {
      if (threshold < smallest) continue;
      const plan = propose(graph, order, { granularity: 'quilt', threshold });
      validate(plan);
      const best = bruteForce(graph, threshold);
      assert.deepEqual({ tasks: plan.tasks.length, cutBytes: plan.cutBytes }, best, `seed ${seed}, threshold ${threshold}`);
      compared++;
    }
    assert.throws(() => propose(graph, order, { granularity: 'quilt', threshold: smallest - 1 }), QuiltError);
    validate(propose(graph, order, { granularity: 'layer' }));
    validate(propose(graph, order, { granularity: 'model' }));
  }
  assert.ok(compared >= 300);
});

/**
 * x(10) -Tile-> e(100) -Relu-> r(100) -Relu-> s(100) -ReduceSum-> y(10). With the runtime's terms (feeds to the
 * end, in place), the whole model is x + e | x + r (into e) | x + s (into r) | x + s + y: 120 at most, while the
 * middle Relu as a task of its own receives e and hands r on in a buffer of its own: 200.
 */
function oneOperatorAboveTheWhole(): ShapedGraph {
  const b = new GraphBuilder('above_the_whole');
  b.input('x', 'uint8', [10]);
  const e = b.op('Tile', ['x'], {}, 'tile');
  const r = b.op('Relu', [e], {}, 'r');
  const s = b.op('Relu', [r], {}, 's');
  b.output(b.op('ReduceSum', [s], {}, 'sum'));
  return shapeGraph(b.finish(), { tile_out: 100, r_out: 100, s_out: 100, sum_out: 10 });
}

test('a percentage threshold is a share of the demand the partitioner checks, so 100% always partitions', () => {
  const runtime = { name: 'test', inPlace: true, feedsLiveToEnd: true, nchwcBlock: 1, im2col: true, prepack: true, threads: 1, sessionBytes: 1000 };
  const graph = oneOperatorAboveTheWhole();
  const order = fileOrder(graph);
  const model = demandModel(graph, order, runtime);
  const whole = rangeDemand(model, 0, order.length).demandBytes;
  const relu = rangeDemand(model, 1, 2).demandBytes;
  assert.equal(whole, 1120);
  assert.equal(relu, 1200, 'the fixture must have one operator above the whole model, or the test shows nothing');
  const plan = propose(graph, order, { granularity: 'quilt', threshold: '100%', runtime });
  validate(plan);
  assert.equal(plan.modelDemandBytes, 1200);
  assert.equal(plan.thresholdBytes, 1200);
  assert.equal(propose(graph, order, { granularity: 'quilt', threshold: '50%', runtime, clamp: true }).thresholdBytes, 1200);
  // The older meaning keeps its own spelling: a share of the liveness peak (x e | e r | r s | s y: 200, no weights).
  assert.equal(analyzeMemory(graph, order).peakBytes, 200);
  assert.throws(() => propose(graph, order, { granularity: 'quilt', threshold: '100%peak', runtime }), /too small/);
  // Without runtime terms the model's demand is the liveness peak, and '100%' is one task.
  const bare = propose(graph, order, { granularity: 'quilt', threshold: '100%' });
  assert.equal(bare.modelDemandBytes, 200);
  assert.equal(bare.tasks.length, 1);
});
