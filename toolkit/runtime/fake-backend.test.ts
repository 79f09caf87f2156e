import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../core/clock';
import { FakeBackend, encodeFakeModel } from './fake-backend.test-helper';

const spec = {
  model: 'm', task: 0,
  inputs: [{ name: 'x', dims: [1, 3] }],
  outputs: [{ name: 'y', dims: [1, 5], type: 'int64' }],
};

test('a fake session returns shape-only outputs after its declared cost in virtual time', async () => {
  const clock = new VirtualClock();
  const backend = new FakeBackend({ sleep: (ms) => clock.sleep(ms) });
  backend.declareCost('m', [7]);
  const session = await backend.load(encodeFakeModel(spec), { outputsOnDevice: true });
  assert.deepEqual(session.inputNames, ['x']);
  assert.deepEqual(session.outputNames, ['y']);
  const out = await session.run({ x: { dims: [1, 3], type: 'float32' } });
  assert.deepEqual(out.y, { dims: [1, 5], type: 'int64', location: 'device' });
  assert.equal(clock.now(), 7);
  assert.equal(backend.runs, 1);
});

test('outputs named in outputsOnDevice stay on the device, the others come to the host', async () => {
  const backend = new FakeBackend();
  const two = { ...spec, outputs: [{ name: 'y', dims: [1] }, { name: 'z', dims: [2] }] };
  const session = await backend.load(encodeFakeModel(two), { outputsOnDevice: ['z'] });
  const out = await session.run({ x: { dims: [1, 3], type: 'float32' } });
  assert.equal(out.y.location, 'cpu');
  assert.equal(out.z.location, 'device');
});

test('a fake session checks its feeds', async () => {
  const backend = new FakeBackend();
  const session = await backend.load(encodeFakeModel(spec));
  await assert.rejects(session.run({}), /input 'x' missing/);
  await assert.rejects(session.run({ x: { dims: [2, 3], type: 'float32' } }), /has dims 2x3, expected 1x3/);
});

test('fault injection throws on the chosen run only', async () => {
  const backend = new FakeBackend();
  backend.failOn('m', 0, 2);
  const session = await backend.load(encodeFakeModel(spec));
  const feeds = { x: { dims: [1, 3], type: 'float32' } };
  await session.run(feeds);
  await assert.rejects(session.run(feeds), /injected fault in m task 0 \(run 2\)/);
  await session.run(feeds);
});

test('loading bytes that are not a fake model fails', async () => {
  const backend = new FakeBackend();
  await assert.rejects(backend.load(new TextEncoder().encode('{"x":1}')), /not a fake model/);
});
