import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkModelConfig, schemaProblem, TritonSchemaError } from './schema';

const TASK = {
  name: 't0',
  backend: 'onnxruntime',
  max_batch_size: 0,
  input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [1, 3, 224, 224] }],
  output: [{ name: 'y', data_type: 'TYPE_FP32', dims: [1, 1000] }],
  instance_group: [{ count: 1, kind: 'KIND_GPU', rate_limiter: { resources: [{ name: 'quilt_activation_1mib', count: 9 }] } }],
};

test('a well-formed task config passes Triton\'s schema', () => {
  assert.equal(schemaProblem(TASK), undefined);
  assert.equal(schemaProblem({ name: 'e', platform: 'ensemble', ensemble_scheduling: { step: [{ model_name: 't0', model_version: -1, input_map: { x: 'x' } }] } }), undefined);
});

test('the schema rejects a misspelt field, an unknown enum name, a wrong scalar, a negative uint32, a map of the wrong kind and two oneof members', () => {
  const withGroup = (group: Record<string, unknown>) => ({ ...TASK, instance_group: [{ ...TASK.instance_group[0], ...group }] });
  assert.equal(schemaProblem({ ...TASK, max_batch_sise: 0 }), "max_batch_sise: inference.ModelConfig has no field 'max_batch_sise'");
  assert.match(schemaProblem({ ...TASK, input: [{ ...TASK.input[0], data_type: 'TYPE_FLOAT32' }] })!, /^input\[0\]\.data_type: "TYPE_FLOAT32" is not a value of enum inference\.DataType/);
  assert.equal(schemaProblem({ ...TASK, max_batch_size: '0' }), 'max_batch_size: "0" is not a int32');
  assert.equal(schemaProblem(withGroup({ rate_limiter: { resources: [{ name: 'r', count: -1 }] } })), 'instance_group[0].rate_limiter.resources[0].count: -1 is not a uint32');
  assert.equal(schemaProblem(withGroup({ kind: 'KIND_TPU' }))?.startsWith('instance_group[0].kind: "KIND_TPU" is not a value of enum inference.ModelInstanceGroup.Kind'), true);
  assert.equal(schemaProblem({ name: 'e', ensemble_scheduling: { step: [{ model_name: 'm', input_map: ['x'] }] } }), 'ensemble_scheduling.step[0].input_map: a map must be an object of string keys');
  assert.equal(schemaProblem({ ...TASK, dynamic_batching: {}, ensemble_scheduling: { step: [] } }), 'dynamic_batching and ensemble_scheduling are one oneof (scheduling_choice): give one');
  assert.equal(schemaProblem({ ...TASK, input: { name: 'x' } }), 'input: a repeated field must be a list');
});

test('a config the exporter made that the schema rejects is a TritonSchemaError (a bug) with one line naming the model', () => {
  assert.doesNotThrow(() => checkModelConfig('t0', TASK));
  assert.throws(() => checkModelConfig('t0', { ...TASK, output: [{ name: 'y', data_type: 'FP32', dims: [1] }] }), (error: unknown) => {
    assert.ok(error instanceof TritonSchemaError);
    assert.equal(error.model, 't0');
    assert.doesNotMatch(error.message, /\n/);
    assert.match(error.message, /^triton export: the config of 't0' breaks Triton's model_config\.proto: output\[0\]\.data_type: "FP32" is not a value/);
    return true;
  });
});
