/**
 * An If whose branches hold a whole network (outer-scope weights, a stateful LSTM, the condition from an integer
 * input; onnx/if-network-fixture.ts) profiles at least as high as the same network inlined as a plain graph, and
 * by no more than the values at the If's boundary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../onnx/load';
import { ifNetworkModel, inlinedIfNetwork } from '../onnx/if-network-fixture';
import { fileOrder } from '../graph/order';
import { resolveShapes } from '../shapes';
import { analyzeMemory } from './profile';
import { bodyWorkingBytes } from './control-flow';

test('the If-aware peak is at least the larger branch inlined, and at most that plus the boundary values', async () => {
  const inputShapes = { input: [1, 512] };
  const ifGraph = await resolveShapes(loadModel(ifNetworkModel(), { name: 'if_network' }), { inputShapes, inputValues: { sr: [16000] } });
  const inlined = await resolveShapes(loadModel(inlinedIfNetwork(), { name: 'inlined' }), { inputShapes });
  const ifProfile = analyzeMemory(ifGraph, fileOrder(ifGraph));
  const plain = analyzeMemory(inlined, fileOrder(inlined));
  const ifNode = ifGraph.nodes.find((n) => n.opType === 'If');
  assert.ok(ifNode !== undefined);
  // The LSTM's output alone (127 steps x 64 floats) must be inside the term, or the branch was under-counted.
  const lstmY = inlined.values[inlined.valueByName.get('y') as number];
  assert.equal(lstmY.bytes, 127 * 64 * 4);
  assert.ok(bodyWorkingBytes(ifGraph, ifNode) >= lstmY.bytes, `body term ${bodyWorkingBytes(ifGraph, ifNode)} B`);
  const boundary = ifGraph.values.filter((v) => v.kind !== 'weight').reduce((s, v) => s + v.bytes, 0);
  assert.ok(ifProfile.peakActivationBytes >= plain.peakActivationBytes,
    `If-aware ${ifProfile.peakActivationBytes} B below the inlined branch's ${plain.peakActivationBytes} B`);
  assert.ok(ifProfile.peakActivationBytes <= plain.peakActivationBytes + boundary,
    `If-aware ${ifProfile.peakActivationBytes} B above the inlined ${plain.peakActivationBytes} B + boundary ${boundary} B`);
  assert.equal(ifProfile.weightBytes, plain.weightBytes + 8, 'the same outer weights, plus the rate constant');
});
