/**
 * Task files hold exactly their own weights: for every task, the weight bytes stored in the built ONNX file equal
 * the plan's weightBytes. Checked on a converter layout with every Constant first, the control-flow test models,
 * and every zoo model at 50% of its peak.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { weightBytes } from '../graph/graph';
import { fileOrder } from '../graph/order';
import { ShapedGraph } from '../graph/graph';
import { loadModel } from '../onnx/load';
import { ifModel, loopModel } from '../onnx/fixtures';
import { build } from '../partition/build';
import { Granularity, PartitionPlan } from '../partition/plan';
import { propose } from '../partition/propose';
import { resolveShapes } from '../shapes';
import { ZOO_MODELS } from '../zoo';
import { openModel } from './model-source';

function floats(n: number, seed: number) {
  const data = new Float32Array(n).map((_, i) => Math.sin(i + seed));
  return { dtype: 'float32' as const, dims: [n], bytes: new Uint8Array(data.buffer) };
}

/** A converter layout: all four Constants come first in the file, then x -> Add k0 -> Mul k1 -> Add k2 -> Mul k3. */
async function constantsFirst(): Promise<ShapedGraph> {
  const b = new GraphBuilder('constants_first');
  b.input('x', 'float32', [256]);
  const ks = [0, 1, 2, 3].map((i) => b.constant(`k${i}`, floats(256, i)));
  let h = 'x';
  ks.forEach((k, i) => { h = b.op(i % 2 === 0 ? 'Add' : 'Mul', [h, k], {}, `op${i}`); });
  b.output(h, 'float32', [256]);
  return resolveShapes(b.finish());
}

function storedWeightBytes(plan: PartitionPlan): number[] {
  return build(plan).map((m) => weightBytes(loadModel(m.bytes)));
}

function assertFilesHoldTheirWeights(plan: PartitionPlan): void {
  assert.deepEqual(storedWeightBytes(plan), plan.tasks.map((t) => t.weightBytes), `${plan.model} ${plan.granularity}`);
}

test('constants-first layout: every Constant sits in the first task of the file order, yet each file holds only its own', async () => {
  const graph = await constantsFirst();
  const order = fileOrder(graph);
  const plan = propose(graph, order, { granularity: 'quilt', threshold: 3 * 1024 + 2048 });
  assert.ok(plan.tasks.length >= 2, 'the threshold must cut the chain');
  const constantNodes = graph.nodes.filter((n) => n.opType === 'Constant').map((n) => n.index);
  assert.ok(constantNodes.every((n) => plan.tasks[0].nodes.includes(n)), 'negative check: the first task holds every Constant node');
  assert.ok(plan.tasks[0].weightBytes < 4 * 1024, 'the first task does not read every Constant');
  assertFilesHoldTheirWeights(plan);
  for (const granularity of ['layer', 'model'] as Granularity[]) assertFilesHoldTheirWeights(propose(graph, order, { granularity }));
});

test('a weight read by two tasks is stored in both and counted in both', async () => {
  const b = new GraphBuilder('shared');
  b.input('x', 'float32', [256]);
  const k = b.constant('k', floats(256, 9));
  b.output(b.op('Mul', [b.op('Add', [b.op('Relu', ['x'], {}, 'r'), k], {}, 'a'), k], {}, 'm'), 'float32', [256]);
  const graph = await resolveShapes(b.finish());
  const plan = propose(graph, fileOrder(graph), { granularity: 'layer' });
  const readers = plan.tasks.filter((t) => t.weightBytes > 0);
  assert.equal(readers.length, 2);
  assert.deepEqual(readers.map((t) => t.weightBytes), [1024, 1024]);
  assertFilesHoldTheirWeights(plan);
});

test('control-flow test models: the subgraph weights travel with the If and the Loop', async () => {
  for (const [bytes, inputShapes] of [[ifModel(), {}], [loopModel(), {}]] as const) {
    const graph = await resolveShapes(loadModel(bytes), { inputShapes });
    for (const granularity of ['layer', 'model'] as Granularity[]) {
      const plan = propose(graph, fileOrder(graph), { granularity });
      assert.ok(plan.tasks.some((t) => t.weightBytes > 0), 'negative check: some task holds weights');
      assertFilesHoldTheirWeights(plan);
    }
  }
});

test('every zoo model at 50%: each task file stores exactly the plan\'s weight bytes', async () => {
  for (const info of ZOO_MODELS) {
    const model = await openModel(`zoo:${info.name}`, { batch: 1, seq: 32 });
    const order = fileOrder(model.graph);
    const whole = propose(model.graph, order, { granularity: 'model' });
    const threshold = Math.max(whole.tasks[0].demandBytes / 2, whole.minFeasibleThreshold);
    const plan = propose(model.graph, order, { granularity: 'quilt', threshold });
    assert.ok(plan.tasks.length > 1, `${info.name}: cut into tasks`);
    assertFilesHoldTheirWeights(plan);
  }
});
