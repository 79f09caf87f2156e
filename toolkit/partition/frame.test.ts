import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { fileOrder } from '../graph/order';
import { analyzeMemory } from '../memory/profile';
import { bytesTensor, shapeGraph } from '../memory/test-support';
import { propose } from './propose';
import { TASK_COLUMNS, profileFrame, tasksFrame } from './frame';

function chain() {
  const g = new GraphBuilder('chain');
  g.input('x', 'uint8', [1]);
  let prev = 'x';
  for (const op of ['A', 'B', 'C', 'D']) {
    g.initializer(`w${op}`, bytesTensor(100));
    prev = g.op('Op', [prev, `w${op}`], {}, op);
  }
  g.output(prev);
  return shapeGraph(g.finish(), { A_out: 50, B_out: 1, C_out: 50, D_out: 3_000_000_000 });
}

test('tasksFrame: one row per task with exact byte counts', () => {
  const graph = chain();
  const plan = propose(graph, fileOrder(graph), { granularity: 'layer' });
  const frame = tasksFrame(plan);
  assert.deepEqual(frame.columns, [...TASK_COLUMNS]);
  assert.deepEqual(frame.shape, [4, TASK_COLUMNS.length]);
  assert.deepEqual(frame.values[1], [1, 1, 'B', 'B', 100, 51, 151, 50, 1]);
  assert.deepEqual(frame.column('outputBytes').values, [50, 1, 50, 3_000_000_000]);
});

test('profileFrame: one row per step', () => {
  const graph = chain();
  const frame = profileFrame(analyzeMemory(graph, fileOrder(graph)));
  assert.deepEqual(frame.columns, ['step', 'node', 'op', 'liveActivationBytes']);
  assert.deepEqual(frame.values, [[0, 'A', 'Op', 51], [1, 'B', 'Op', 51], [2, 'C', 'Op', 51], [3, 'D', 'Op', 3_000_000_050]]);
});
