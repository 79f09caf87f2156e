import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelRef } from './model-ref';

test('a model reference: zoo:<name> and bare names are zoo models, .onnx paths are files named by their base name', () => {
  assert.deepEqual(parseModelRef('zoo:resnet50'), { kind: 'zoo', name: 'resnet50' });
  assert.deepEqual(parseModelRef('resnet50'), { kind: 'zoo', name: 'resnet50' });
  assert.deepEqual(parseModelRef('models/My.Net.ONNX'), { kind: 'file', file: 'models/My.Net.ONNX', name: 'My.Net' });
  assert.deepEqual(parseModelRef('tiny.onnx'), { kind: 'file', file: 'tiny.onnx', name: 'tiny' });
});

test('a model reference that is neither names nothing', () => {
  assert.equal(parseModelRef('models/resnet50'), undefined);
  assert.equal(parseModelRef(''), undefined);
});
