/**
 * Every value of every zoo model at batch 1: the static shapes (no fallback allowed) against one
 * onnxruntime run with all intermediates exposed: dtype and dims, hence bytes, must agree. Each model is
 * built once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZOO_MODELS, buildZooModel, zooInputShapes } from '../zoo/registry';
import { resolveShapes } from './index';
import { compareWithOnnxRuntime } from './testing';

for (const info of ZOO_MODELS) {
  test(`zoo ${info.name}: every value's shape matches onnxruntime at batch 1`, async () => {
    const options = { batch: 1 };
    const graph = buildZooModel(info.name, options);
    const resolved = await resolveShapes(graph, { inputShapes: zooInputShapes(info.name, options), fallback: 'none' });
    assert.equal(resolved.resolution.fallbackValues.length, 0);
    const { checked, mismatches } = await compareWithOnnxRuntime(resolved, graph);
    assert.ok(checked >= graph.nodes.length / 2, `${checked} values checked for ${graph.nodes.length} nodes`);
    assert.deepEqual(mismatches, []);
  });
}
