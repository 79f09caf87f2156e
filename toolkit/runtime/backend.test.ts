import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensorBytes } from './backend';

test('tensorBytes multiplies dims by the element size', () => {
  assert.equal(tensorBytes({ dims: [2, 3], type: 'float32' }), 24);
  assert.equal(tensorBytes({ dims: [1, 128], type: 'int64' }), 1024);
  assert.equal(tensorBytes({ dims: [4], type: 'float16' }), 8);
  // A string element counts its reference (core/dtype.ts, the one table); an unknown type counts nothing.
  assert.equal(tensorBytes({ dims: [4], type: 'string' }), 32);
  assert.equal(tensorBytes({ dims: [4], type: 'complex64' }), 0);
});
