import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deployment, DeployedTask } from './deployment';
import { wantedWeights } from './weights-wanted';

function chain(model: string, keys: readonly string[]): Deployment {
  const tasks = keys.map((weightsKey): DeployedTask => ({
    demandBytes: 1, weightBytes: 1, weightsKey, session: undefined as never, inputNames: [], outputNames: [],
  }));
  return { model, granularity: 'quilt', tasks, poolBytes: 0, outputNames: [] };
}

const x = chain('x', ['x0', 'x1', 'x2']);
const y = chain('y', ['y0', 'y1']);

test('a live request wants its remaining tasks, at their distance from its next task', () => {
  assert.deepEqual(wantedWeights([{ deployment: x, tasksRun: 1 }]), new Map([['x1', 0], ['x2', 1]]));
});

test('requests of one model merge to the nearest distance; other models are separate', () => {
  const wanted = wantedWeights([
    { deployment: x, tasksRun: 2 }, { deployment: x, tasksRun: 0 }, { deployment: y, tasksRun: 1 },
  ]);
  assert.deepEqual(wanted, new Map([['x0', 0], ['x1', 1], ['x2', 0], ['y1', 0]]));
});

test('finished tasks and models with no live request are not wanted', () => {
  assert.deepEqual(wantedWeights([]), new Map());
  const wanted = wantedWeights([{ deployment: x, tasksRun: 2 }]);
  assert.equal(wanted.has('x0'), false);
  assert.equal(wanted.has('x1'), false);
  assert.equal(wanted.has('y0'), false);
});
