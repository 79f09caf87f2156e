import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { onnxBytes, tensorBytes } from './backend';

test('tensorBytes multiplies dims by the element size', () => {
  assert.equal(tensorBytes({ dims: [2, 3], type: 'float32' }), 24);
  assert.equal(tensorBytes({ dims: [1, 128], type: 'int64' }), 1024);
  assert.equal(tensorBytes({ dims: [4], type: 'float16' }), 8);
  // A string element counts its reference (core/dtype.ts, the one table); an unknown type counts nothing.
  assert.equal(tensorBytes({ dims: [4], type: 'string' }), 32);
  assert.equal(tensorBytes({ dims: [4], type: 'complex64' }), 0);
});

test('onnxBytes: an ONNX model is its bytes; a simulated task on a backend that runs ONNX is a QuiltError', () => {
  const bytes = new Uint8Array([1, 2, 3]);
  assert.equal(onnxBytes(bytes, 'cpu'), bytes);
  const simulated = { kind: 'simulated' as const, task: 2, model: 'm', description: {}, inputNames: [], outputNames: [] };
  assert.throws(() => onnxBytes(simulated, 'cpu'), (e: unknown) => e instanceof QuiltError && /task 2 of 'm' is a simulated task/.test(e.message));
});
