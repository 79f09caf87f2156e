/**
 * Equivalence: chaining a plan's task models gives the whole model's outputs, for hand-built graphs of every
 * shape the issue names (branches, skip connections, concatenation, several outputs, Constant weights,
 * symbolic dimensions, control flow) and for every zoo model at 25%, 50% and 75% of its peak and per layer,
 * and at 50% on the peak-reducing order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { Graph } from '../graph/graph';
import { fileOrder } from '../graph/order';
import { loadModel } from '../onnx/load';
import { ifModel, loopModel } from '../onnx/fixtures';
import { propose } from '../partition/propose';
import { validate } from '../partition/validate';
import { parseThreshold } from '../partition/threshold';
import { resolveShapes } from '../shapes';
import { openBackend } from '../sim/open';
import { ZOO_MODELS } from '../zoo';
import { openModel } from './model-source';
import { compareOutputs, verifyPlan } from './verify';
import { build } from '../partition/build';
import { loadChain, runChain } from '../runtime/chain';
import { randomFeeds } from '../runtime/feeds';
import { writeModel } from '../onnx/write';
import { analyzeMemory } from '../memory/profile';
import { reduceMemoryOrder } from '../memory/reorder';
import { ShapedGraph } from '../graph/graph';

const weight = (n: number, seed: number) => ({
  dtype: 'float32' as const, dims: [n], bytes: new Uint8Array(Float32Array.from({ length: n }, (_, i) => Math.sin(i + seed)).buffer),
});

/** x -> relu -> two branches (mul by a Constant weight, add an initializer) -> concat; a skip add; two outputs. */
function branchyGraph(): Graph {
  const b = new GraphBuilder('branchy');
  b.input('x', 'float32', ['batch', 8]);
  b.initializer('w_add', weight(8, 1));
  b.constant('w_mul', weight(8, 2));
  const r = b.op('Relu', ['x'], {}, 'relu');
  const left = b.op('Mul', [r, 'w_mul'], {}, 'left');
  const right = b.op('Add', [r, 'w_add'], {}, 'right');
  const cat = b.op('Concat', [left, right], { axis: 1 }, 'cat');
  const sig = b.op('Sigmoid', [cat], {}, 'sig');
  const skip = b.op('Add', [left, right], {}, 'skip');
  const tanh = b.op('Tanh', [skip], {}, 'tanh');
  b.output(sig, 'float32');
  b.output(tanh, 'float32');
  return b.finish();
}

/** Every partition of a small graph: per layer, the whole model, and quilt at several fractions of the peak. */
async function checkAllGranularities(graph: ShapedGraph): Promise<void> {
  const backend = await openBackend('cpu');
  const order = fileOrder(graph);
  const peak = analyzeMemory(graph, order).peakBytes;
  const plans = [propose(graph, order, { granularity: 'layer' }), propose(graph, order, { granularity: 'model' })];
  const minimum = plans[0].minFeasibleThreshold;
  for (const fraction of [0.25, 0.5, 0.75, 1]) {
    plans.push(propose(graph, order, { granularity: 'quilt', threshold: Math.max(minimum, Math.floor(peak * fraction)) }));
  }
  for (const plan of plans) {
    validate(plan);
    const result = await verifyPlan(plan, backend);
    assert.ok(result.ok, `${graph.name} ${plan.granularity} (${plan.tasks.length} tasks): relative difference ${result.maxRelDiff}`);
  }
}

test('branches, skip connections, concat, two outputs, Constant weights and a symbolic batch: chains match', async () => {
  await checkAllGranularities(await resolveShapes(branchyGraph(), { inputShapes: { x: [3, 8] } }));
});

test('control flow (If with branch weights and an implicit input) partitions and chains match', async () => {
  await checkAllGranularities(await resolveShapes(loadModel(ifModel(), { name: 'if_model' })));
});

test('control flow (Loop reading an outer weight) partitions and chains match', async () => {
  await checkAllGranularities(await resolveShapes(loadModel(loopModel(), { name: 'loop_model' })));
});

test('a chain that computes something else is caught', async () => {
  // Task models cut from a graph whose weight 'w_add' differs, run against the original whole model.
  const backend = await openBackend('cpu');
  const shapes = { inputShapes: { x: [2, 8] } };
  const graph = await resolveShapes(branchyGraph(), shapes);
  const original = branchyGraph();
  const altered = await resolveShapes({
    ...original,
    values: original.values.map((v) => (v.name === 'w_add' ? { ...v, data: weight(8, 99) } : v)),
  }, shapes);
  const plan = propose(altered, fileOrder(altered), { granularity: 'layer' });
  const feeds = randomFeeds(graph, backend, 3);
  const whole = await (await backend.load(writeModel(graph))).run(feeds);
  const chained = await runChain(await loadChain(backend, build(plan)), feeds);
  const diff = compareOutputs(whole as never, chained as never, ['sig_out', 'tanh_out']);
  assert.ok(diff.maxRelDiff > 1e-3, `expected a visible difference, got ${diff.maxRelDiff}`);
});

for (const info of ZOO_MODELS) {
  test(`zoo ${info.name}: chained tasks match the whole model at 25/50/75% of its peak and per layer`, async () => {
    const backend = await openBackend('cpu');
    const { graph } = await openModel(`zoo:${info.name}`, { batch: 1, seq: 16 });
    const order = fileOrder(graph);
    const peak = analyzeMemory(graph, order).peakBytes;
    const layer = propose(graph, order, { granularity: 'layer' });
    const plans = [layer];
    for (const t of ['25%', '50%', '75%']) {
      // Where a fraction of the peak is below what one operator needs, use the smallest threshold that works.
      const threshold = Math.max(parseThreshold(t, peak), layer.minFeasibleThreshold);
      plans.push(propose(graph, order, { granularity: 'quilt', threshold }));
    }
    // The peak-reducing order (beyond the paper) must compute the same thing too.
    const reduced = [...reduceMemoryOrder(graph, order).order];
    plans.push(propose(graph, reduced, { granularity: 'quilt', threshold: Math.max(parseThreshold('50%', peak), layer.minFeasibleThreshold) }));
    for (const plan of plans) {
      validate(plan);
      const result = await verifyPlan(plan, backend);
      assert.ok(result.ok, `${info.name} ${plan.granularity}@${plan.thresholdBytes}: ${result.maxRelDiff}`);
    }
  });
}
