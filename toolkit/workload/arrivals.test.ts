import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { generateWorkload } from './arrivals';
import { createRng } from '../core/prng';
import { loadWorkloadSpec, parseWorkloadSpec } from './spec';

const mix = [{ model: 'resnet50', share: 3 }, { model: 'vgg16', share: 1 }];

test('poisson arrivals: same seed same list, different seed different list, mean gap near 1/rate', () => {
  const spec = parseWorkloadSpec({ seed: 5, requests: 2000, arrival: { process: 'poisson', rateRps: 10 }, models: mix });
  const a = generateWorkload(spec);
  const b = generateWorkload(spec);
  assert.deepEqual(a, b);
  const other = generateWorkload({ ...spec, seed: 6 });
  assert.notDeepEqual(other.requests, a.requests);
  const times = a.requests.map((r) => r.arrivalMs);
  assert.equal(times[0], 0);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1]);
  const meanGap = times[times.length - 1] / (times.length - 1);
  assert.ok(Math.abs(meanGap - 100) < 10, `mean gap ${meanGap} ms`);
  const resnet = a.requests.filter((r) => r.model === 'resnet50').length / a.requests.length;
  assert.ok(Math.abs(resnet - 0.75) < 0.05, `resnet share ${resnet}`);
  assert.deepEqual(a.requests.map((r) => r.id), a.requests.map((_, i) => i));
  assert.equal(a.closedLoop, undefined);
});

test('closed loop: requests without times and the loop parameters for the scheduler', () => {
  const spec = parseWorkloadSpec({ requests: 6, arrival: { process: 'closed', clients: 2, thinkMs: 5 }, models: mix });
  const w = generateWorkload(spec);
  assert.equal(w.requests.length, 6);
  assert.ok(w.requests.every((r) => r.arrivalMs === 0));
  assert.deepEqual(w.closedLoop, { clients: 2, thinkMs: 5 });
});

test('trace: the shipped example replays in time order', () => {
  const spec = loadWorkloadSpec(path.resolve(__dirname, '../../../datasets/workloads/trace.json'));
  const w = generateWorkload(spec);
  assert.equal(w.requests.length, 12);
  assert.deepEqual(w.requests.slice(0, 3).map((r) => [r.arrivalMs, r.model]),
    [[0, 'resnet50'], [40, 'mobilenetv2'], [95, 'bert-base']]);
});

test('trace: `requests` takes the first rows and asking for more than there are is refused', () => {
  const spec = parseWorkloadSpec({ requests: 2, arrival: { process: 'trace', path: 't.csv' }, models: mix });
  const trace = [{ arrivalMs: 0, model: 'vgg16' }, { arrivalMs: 1, model: 'resnet50' }, { arrivalMs: 2, model: 'vgg16' }];
  assert.deepEqual(generateWorkload(spec, { trace }).requests.map((r) => r.arrivalMs), [0, 1]);
  assert.throws(() => generateWorkload({ ...spec, requests: 5 }, { trace }), /3 rows, but the workload asks for 5/);
  assert.throws(() => generateWorkload(spec, { trace: [{ arrivalMs: 0, model: 'bert-base' }] }), /not in the workload's mix/);
});

test('the generator is uniform enough and its draws stay in range', () => {
  const rng = createRng(123);
  let sum = 0;
  for (let i = 0; i < 10000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02);
  for (let i = 0; i < 100; i++) {
    const k = rng.int(2, 4);
    assert.ok(k >= 2 && k <= 4 && Number.isInteger(k));
  }
  assert.equal(rng.pick([0, 0, 1]), 2);
});
