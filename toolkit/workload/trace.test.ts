import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { parseTrace } from './trace';

test('a trace parses, skips blank lines and sorts by time keeping ties in file order', () => {
  const rows = parseTrace('arrivalMs,model\n20,b\n\n5,a\n20,a\n', { models: ['a', 'b'] });
  assert.deepEqual(rows, [{ arrivalMs: 5, model: 'a' }, { arrivalMs: 20, model: 'b' }, { arrivalMs: 20, model: 'a' }]);
});

test('columns may come in any order', () => {
  assert.deepEqual(parseTrace('model,arrivalMs\nx,1.5\n'), [{ arrivalMs: 1.5, model: 'x' }]);
});

test('a malformed row is reported with its row and line number', () => {
  const text = 'arrivalMs,model\n0,a\n\nsoon,a\n';
  assert.throws(() => parseTrace(text, { source: 't.csv' }),
    (e: unknown) => e instanceof QuiltError && e.message === "t.csv row 2 (line 4): arrivalMs 'soon' is not a non-negative number");
  assert.throws(() => parseTrace('arrivalMs,model\n-1,a\n', { source: 't.csv' }), /t\.csv row 1 \(line 2\): arrivalMs '-1'/);
  assert.throws(() => parseTrace('arrivalMs,model\n1,a,extra\n', { source: 't.csv' }), /row 1 \(line 2\): 3 fields, expected 2/);
  assert.throws(() => parseTrace('arrivalMs,model\n1,\n', { source: 't.csv' }), /row 1 \(line 2\): model is empty/);
  assert.throws(() => parseTrace('arrivalMs,model\n1,zzz\n', { source: 't.csv', models: ['a'] }),
    /row 1 \(line 2\): model 'zzz' is not in the workload's mix/);
});

test('a missing header or empty file is refused', () => {
  assert.throws(() => parseTrace('', { source: 't.csv' }), /t\.csv: empty/);
  assert.throws(() => parseTrace('time,model\n1,a\n', { source: 't.csv' }), /header must name the columns arrivalMs, model/);
});
