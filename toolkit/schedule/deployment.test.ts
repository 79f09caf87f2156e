import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionPlan } from '../partition/plan';
import { Session } from '../runtime/backend';
import { deploymentFromPlan, maxTaskDemand } from './deployment';

/** Only the fields deploymentFromPlan reads: value names, graph outputs, tasks and the pool size. */
function plan(): PartitionPlan {
  const values = ['x', 'w0', 'h', 'w1', 'y'].map((name, index) => ({ index, name }));
  const task = (index: number, inputs: number[], outputs: number[], weightBytes: number, demandBytes: number) =>
    ({ index, inputs, outputs, weightBytes, demandBytes, peakActivationBytes: demandBytes - weightBytes });
  return {
    model: 'toy', granularity: 'quilt', thresholdBytes: 500,
    graph: { values, outputs: [4] },
    tasks: [task(0, [0], [2], 100, 300), task(1, [2], [4], 200, 450)],
    pool: { poolBytes: 64 },
  } as unknown as PartitionPlan;
}

const session = (name: string): Session => ({
  inputNames: [name], outputNames: [], run: async () => ({}), dispose: async () => {},
});

test('a deployment takes names, demands and the pool from the plan and one session per task', () => {
  const sessions = [session('a'), session('b')];
  const d = deploymentFromPlan(plan(), sessions, { model: 'toy-b1' });
  assert.equal(d.model, 'toy-b1');
  assert.equal(d.poolBytes, 64);
  assert.deepEqual(d.outputNames, ['y']);
  assert.deepEqual(d.tasks.map((t) => [t.inputNames, t.outputNames]), [[['x'], ['h']], [['h'], ['y']]]);
  assert.deepEqual(d.tasks.map((t) => [t.weightBytes, t.demandBytes]), [[100, 300], [200, 450]]);
  assert.equal(d.tasks[1].session, sessions[1]);
  assert.notEqual(d.tasks[0].weightsKey, d.tasks[1].weightsKey);
  assert.equal(maxTaskDemand(d), 450);
});

test('a deployment needs exactly one session per task', () => {
  assert.throws(() => deploymentFromPlan(plan(), [session('a')]), /2 tasks but 1 sessions/);
});
