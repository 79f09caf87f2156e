import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { QuiltError } from '../core/errors';
import { loadWorkloadSpec, parseWorkloadSpec } from './spec';

const base = {
  seed: 3,
  requests: 10,
  arrival: { process: 'poisson', rateRps: 5 },
  models: [{ model: 'resnet50' }, { model: 'bert-base', seq: 64, share: 2 }],
};

const parse = (json: unknown) => parseWorkloadSpec(json, { source: 'w.json' });

test('a spec parses with defaults filled in', () => {
  const spec = parse(base);
  assert.equal(spec.name, 'w');
  assert.equal(spec.seed, 3);
  assert.deepEqual(spec.arrival, { process: 'poisson', rateRps: 5 });
  assert.deepEqual(spec.models[0], { name: 'resnet50', model: 'resnet50', batch: 1, seq: undefined, share: 1, inputValues: {} });
  assert.deepEqual(spec.models[1], { name: 'bert-base', model: 'bert-base', batch: 1, seq: 64, share: 2, inputValues: {} });
});

test('a model entry carries input values: a number or a list (booleans as 0/1); anything else names the field', () => {
  const spec = parse({ ...base, models: [{ model: 'x.onnx', inputValues: { sr: 16000, mask: [true, false, 1] } }] });
  assert.deepEqual(spec.models[0].inputValues, { sr: [16000], mask: [1, 0, 1] });
  for (const bad of [{ sr: 'fast' }, { sr: [] }, { sr: [1, null] }, [1]]) {
    assert.throws(() => parse({ ...base, models: [{ model: 'x.onnx', inputValues: bad }] }),
      (e: unknown) => e instanceof QuiltError && /w\.json: models\[0\]\.inputValues/.test(e.message), JSON.stringify(bad));
  }
});

test('a model that is not known is refused, naming the entry', () => {
  assert.throws(() => parse({ ...base, models: [{ model: 'resnet5' }] }),
    (e: unknown) => e instanceof QuiltError && /w\.json: models\[0\]\.model: 'resnet5' is not a known model/.test(e.message));
});

test('an .onnx path is accepted and named by its base name', () => {
  const spec = parseWorkloadSpec({ ...base, models: [{ model: 'nets/tiny.onnx' }] }, { baseDir: '/data' });
  assert.equal(spec.models[0].name, 'tiny');
  assert.equal(spec.models[0].model, path.resolve('/data', 'nets/tiny.onnx'));
});

test('known models can be given by the caller', () => {
  const spec = parseWorkloadSpec({ ...base, models: [{ model: 'toy' }] }, { knownModels: ['toy'] });
  assert.equal(spec.models[0].model, 'toy');
});

test('a negative or zero rate is refused', () => {
  assert.throws(() => parse({ ...base, arrival: { process: 'poisson', rateRps: -2 } }),
    /w\.json: arrival\.rateRps: -2 must be a positive number of requests per second/);
  assert.throws(() => parse({ ...base, arrival: { process: 'poisson', rateRps: 0 } }), /rateRps: 0 must be a positive/);
});

test('other mistakes name their field', () => {
  assert.throws(() => parse({ ...base, requests: 0 }), /requests: 0 must be an integer >= 1/);
  assert.throws(() => parse({ ...base, requests: undefined }), /requests is missing/);
  assert.throws(() => parse({ ...base, arrival: { process: 'burst' } }), /arrival\.process: "burst" must be/);
  assert.throws(() => parse({ ...base, arrival: { process: 'closed', clients: 0 } }), /arrival\.clients: 0 must be/);
  assert.throws(() => parse({ ...base, models: [] }), /models must be a non-empty array/);
  assert.throws(() => parse({ ...base, models: [{ model: 'resnet50', batch: 1.5 }] }), /models\[0\]\.batch: 1\.5/);
  assert.throws(() => parse({ ...base, models: [{ model: 'resnet50' }, { model: 'resnet50', batch: 4 }] }),
    /models\[1\]\.name: 'resnet50' is used twice/);
  assert.throws(() => parse({ ...base, models: [{ model: 'resnet50', share: 0 }] }), /every share is 0/);
  assert.throws(() => parse({ ...base, sed: 1 }), /w\.json: sed is not a known field/);
  assert.throws(() => parse({ ...base, models: [{ model: 'vgg16', bacth: 2 }] }), /models\[0\]\.bacth is not a known field/);
  assert.throws(() => parse([]), /must be an object/);
});

test('the shipped workloads parse', () => {
  const dir = path.resolve(__dirname, '../../../datasets/workloads');
  for (const file of ['default.json', 'poisson.json', 'quick.json', 'closed-loop.json', 'trace.json']) {
    const spec = loadWorkloadSpec(path.join(dir, file));
    assert.ok(spec.models.length >= 3, file);
  }
  const def = loadWorkloadSpec(path.join(dir, 'default.json'));
  assert.deepEqual(def.models.map((m) => m.model),
    ['resnet50', 'vgg16', 'mobilenetv2', 'densenet121', 'inceptionv3', 'bert-base']);
  assert.equal(def.models[5].seq, 128);
});

test('a file that is not JSON is refused with its name', () => {
  assert.throws(() => loadWorkloadSpec(path.resolve(__dirname, '../../../datasets/workloads/example-trace.csv')),
    /example-trace\.csv: not valid JSON/);
  assert.throws(() => loadWorkloadSpec('/nonexistent/w.json'), /workload \/nonexistent\/w\.json: cannot read it/);
});
