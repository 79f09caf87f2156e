/**
 * Every session is released on every path: verify's error path (the whole model fails on onnxruntime) leaves no
 * session loaded, and what a caller leaves open, the exit path's net (runtime/live-backends.ts) closes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileOrder } from '../graph/order';
import { loadModel } from '../onnx/load';
import { writeModel } from '../onnx/write';
import { branchOnSampleRate } from '../onnx/class-fixtures';
import { propose } from '../partition/propose';
import { resolveShapes } from '../shapes';
import { CpuBackend } from '../runtime/cpu-backend';
import { closeLiveBackends, liveBackendCount } from '../runtime/live-backends';
import { QuiltError } from '../core/errors';
import { verifyPlan } from './verify';

test('verify releases its sessions when the whole model fails, and the exit net closes what is left', async () => {
  const graph = await resolveShapes(loadModel(branchOnSampleRate(), { name: 'branch' }), { inputValues: { sr: [16000] } });
  const plan = propose(graph, fileOrder(graph), { granularity: 'layer' });
  const backend = new CpuBackend({ lanes: 1 });
  const before = liveBackendCount();
  // sr = 8000 takes the branch that gathers index 7 of 4 elements: the whole model fails when it runs.
  await assert.rejects(verifyPlan(plan, backend, { inputValues: { sr: [8000] } }), QuiltError);
  assert.equal(backend.openSessions, 0, 'the whole model\'s session must be released on the error path');
  assert.equal(liveBackendCount(), before + 1, 'a backend with lanes is registered until it is closed');
  // A session left loaded on purpose: the net closes the backend (lanes release their sessions first).
  await backend.load(writeModel(graph));
  assert.equal(backend.openSessions, 1);
  assert.equal(await closeLiveBackends(), before + 1);
  assert.equal(liveBackendCount(), 0);
  assert.equal(backend.openSessions, 0);
});
