/**
 * The memory probe on hand-built models whose memory is known: a chain of Relus on 16 MiB tensors. Each task runs
 * in a child process; sizes are large enough that a session's fixed bytes are well under the 10% tolerance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { fileOrder } from '../graph/order';
import { propose } from '../partition/propose';
import { cpuRuntimeMemory } from '../runtime/cpu-memory-model';
import { resolveShapes } from '../shapes';
import { calibrateSessionBytes, measurePlanMemory, memoryTruthRows, relativeError } from './measure-memory';

const N = 4 * 1024 * 1024; // floats: 16 MiB a tensor

async function relus(count: number) {
  const b = new GraphBuilder(`relu${count}`);
  let h = b.input('x', 'float32', [N]);
  for (let i = 0; i < count; i++) h = b.op('Relu', [h], {}, `r${i}`);
  b.output(h, 'float32', [N]);
  return resolveShapes(b.finish());
}

test('relError is (measured - predicted) / measured', () => {
  assert.equal(relativeError(100, 90), 0.1);
  assert.equal(relativeError(100, 125), -0.25);
});

test('one Relu: input and output, 32 MiB; the output\'s JavaScript copy is not counted', async () => {
  const graph = await relus(1);
  const plan = propose(graph, fileOrder(graph), { granularity: 'model', runtime: cpuRuntimeMemory() });
  assert.equal(plan.tasks[0].demandBytes, 2 * 4 * N);
  const truth = await measurePlanMemory(plan);
  assert.ok(Math.abs(truth.tasks[0].relError) <= 0.1, `measured ${truth.tasks[0].measuredBytes} B`);
});

test('four Relus: the feed stays, the middle ones run in place, the output is its own (3 tensors); per layer each task is measured alone', async () => {
  const graph = await relus(4);
  const runtime = cpuRuntimeMemory({ sessionBytes: await calibrateSessionBytes() });
  const whole = propose(graph, fileOrder(graph), { granularity: 'model', runtime });
  const bare = propose(graph, fileOrder(graph), { granularity: 'model' });
  assert.equal(whole.tasks[0].peakActivationBytes, 3 * 4 * N);
  assert.equal(bare.tasks[0].peakActivationBytes, 2 * 4 * N, 'negative check: the liveness definition alone differs');
  const truth = await measurePlanMemory(whole);
  assert.ok(Math.abs(truth.tasks[0].relError) <= 0.1, `whole: measured ${truth.tasks[0].measuredBytes} B, predicted ${truth.tasks[0].predictedBytes} B`);
  const bareError = relativeError(truth.tasks[0].measuredBytes, bare.tasks[0].demandBytes);
  assert.ok(bareError > 0.1, `the liveness-only prediction under-states it (${bareError})`);
  const layer = propose(graph, fileOrder(graph), { granularity: 'layer', runtime });
  const perTask = await measurePlanMemory(layer);
  assert.equal(perTask.tasks.length, 4);
  assert.deepEqual(memoryTruthRows(layer, perTask).map((r) => r.task), [0, 1, 2, 3]);
  for (const t of perTask.tasks) assert.ok(Math.abs(t.relError) <= 0.1, `task ${t.index}: relError ${t.relError}`);
  assert.equal(perTask.maxRelError, Math.max(...perTask.tasks.map((t) => Math.abs(t.relError))));
});
