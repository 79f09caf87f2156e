import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelConfigType } from './schema';
import { parseTextFormat, renderTextFormat, TextFormatError } from './text-format';

const CONFIG = {
  name: 'a "quoted"\tname',
  platform: 'ensemble',
  max_batch_size: 0,
  input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [1, 3] }, { name: 'ids', data_type: 'TYPE_INT64', dims: [-1] }],
  ensemble_scheduling: { step: [{ model_name: 'm', model_version: -1, input_map: { x: 'x', y: 'z' } }] },
};

test('renders fields in the proto order, with lists, blocks, map entries, bare enums and escaped strings', () => {
  const expected = [
    'name: "a \\"quoted\\"\\tname"',
    'platform: "ensemble"',
    'max_batch_size: 0',
    'input [',
    '  {',
    '    name: "x"',
    '    data_type: TYPE_FP32',
    '    dims: [ 1, 3 ]',
    '  },',
    '  {',
    '    name: "ids"',
    '    data_type: TYPE_INT64',
    '    dims: [ -1 ]',
    '  }',
    ']',
    'ensemble_scheduling {',
    '  step [',
    '    {',
    '      model_name: "m"',
    '      model_version: -1',
    '      input_map {',
    '        key: "x"',
    '        value: "x"',
    '      }',
    '      input_map {',
    '        key: "y"',
    '        value: "z"',
    '      }',
    '    }',
    '  ]',
    '}',
    '',
  ].join('\n');
  assert.equal(renderTextFormat(modelConfigType(), CONFIG), expected);
});

test('parsing what was rendered gives the same object back', () => {
  const type = modelConfigType();
  assert.deepEqual(parseTextFormat(type, renderTextFormat(type, CONFIG)), CONFIG);
});

test('parses the usual variants: `name: {`, a repeated field written twice, comments, single quotes, separators', () => {
  const text = `# a comment
name: 'm' ;
input: { name: "a" data_type: TYPE_FP32 dims: 2 dims: 3 }
input { name: "b", data_type: 12, dims: [4] }  # a data type by number
instance_group [ { kind: KIND_GPU count: 2 rate_limiter { resources [ { name: "r" count: 7 global: true } ] } } ]
`;
  assert.deepEqual(parseTextFormat(modelConfigType(), text), {
    name: 'm',
    input: [{ name: 'a', data_type: 'TYPE_FP32', dims: [2, 3] }, { name: 'b', data_type: 'TYPE_FP64', dims: [4] }],
    instance_group: [{ kind: 'KIND_GPU', count: 2, rate_limiter: { resources: [{ name: 'r', count: 7, global: true }] } }],
  });
});

test('a name the type lacks, a bad enum name, a missing brace and a stray token are errors with their line', () => {
  const type = modelConfigType();
  const line = (text: string) => {
    try {
      parseTextFormat(type, text);
    } catch (error) {
      assert.ok(error instanceof TextFormatError, String(error));
      return `${error.line}: ${error.problem}`;
    }
    assert.fail(`no error for ${text}`);
  };
  assert.equal(line('name: "a"\nmax_batch_sise: 1'), "2: inference.ModelConfig has no field 'max_batch_sise'");
  assert.equal(line('input { name: "a"\n data_type: TYPE_FLOAT32 }'), "2: 'TYPE_FLOAT32' is not a value of enum DataType");
  assert.equal(line('input {\n name: "a"\n'), "2: '}' missing at the end of ModelInput");
  assert.equal(line('name "a"'), "1: expected ':' after 'name'");
  assert.equal(line('name: "a'), '1: a string is not closed');
  assert.equal(line('max_batch_size: [1, 2]'), "1: 'max_batch_size' is not a repeated field");
});
