import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tritonEnsembleSvg } from './triton-ensemble';

const EXPORTED = {
  resource: 'quilt_activation_2mib',
  units: 40,
  models: [
    { model: 'm.onnx', ensemble: 'm', tasks: [
      { name: 'm-task0', resource: 'quilt_activation_2mib', count: 3, inputs: ['x'], outputs: ['a<b'] },
      { name: 'm-task1', resource: 'quilt_activation_2mib', count: 1, inputs: ['a<b'], outputs: ['y'] },
    ] },
    { model: 'n', ensemble: 'n', tasks: [{ name: 'n-task0', resource: 'quilt_activation_2mib', count: 7, inputs: ['x'], outputs: ['z'] }] },
  ],
};

test('the diagram has a box per step with its units, an arrow per handed-on tensor, and the server\'s units', () => {
  const svg = tritonEnsembleSvg(EXPORTED, 2);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(svg.match(/<rect x=/g)?.length, 3, 'one box per step');
  assert.equal(svg.match(/<line /g)?.length, 3 + 2, 'an arrow into each row and one out of each step');
  for (const text of ['3 units', '1 unit<', '7 units', 'ensemble "m" (m.onnx)', '--rate-limit-resource=quilt_activation_2mib:40', '1 unit = 2 MiB']) {
    assert.ok(svg.includes(text), text);
  }
  assert.ok(svg.includes('a&lt;b') && !svg.includes('a<b'), 'names are escaped');
});
