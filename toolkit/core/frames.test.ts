import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dfd from 'danfojs-node';
import { fromFrame, requestFrame, rowsOf, toFrame } from './frames';
import { RequestRow } from './rows';
import { REQUEST_COLUMNS, columnNames } from './columns';

function requestRow(id: number, policy: string, latencyMs: number): RequestRow {
  return {
    requestId: id, model: '007', policy, backend: 'cpu', budgetBytes: 5 * 2 ** 30, arrivalMs: id,
    startMs: id + 1, endMs: id + latencyMs, latencyMs, queueingMs: 1, executionMs: latencyMs - 1,
    transferBytes: 1024, tasks: 3, status: 'ok', error: '',
  };
}

test('request rows go into a frame and come back unchanged', () => {
  const rows = [requestRow(0, 'quilt', 12.5), requestRow(1, 'unmanaged', 40)];
  const frame = requestFrame(rows);
  assert.deepEqual(frame.shape, [2, columnNames(REQUEST_COLUMNS).length]);
  assert.deepEqual(frame.columns, columnNames(REQUEST_COLUMNS));
  assert.deepEqual(fromFrame<RequestRow>(frame), rows);
});

test('text that looks like a number stays text, big byte counts stay exact', () => {
  const frame = toFrame([{ model: '007', bytes: 2 ** 40 + 1 }, { model: '12', bytes: 3 }]);
  assert.deepEqual(frame.dtypes, ['string', 'float32']);
  assert.deepEqual(fromFrame(frame), [{ model: '007', bytes: 2 ** 40 + 1 }, { model: '12', bytes: 3 }]);
});

test('an empty row list keeps its columns', () => {
  const frame = requestFrame([]);
  assert.deepEqual(frame.shape, [0, columnNames(REQUEST_COLUMNS).length]);
  assert.deepEqual(fromFrame(frame), []);
});

test('fields missing in some rows become null; column order is first seen', () => {
  const frame = toFrame([{ a: 1 }, { b: 'x', a: 2 }]);
  assert.deepEqual(frame.columns, ['a', 'b']);
  assert.deepEqual(fromFrame(frame), [{ a: 1, b: null }, { a: 2, b: 'x' }]);
});

test('rowsOf accepts either rows or a frame', () => {
  const rows = [{ x: 1, y: 'a' }];
  assert.equal(rowsOf(rows), rows);
  assert.deepEqual(rowsOf(new dfd.DataFrame(rows)), rows);
});

test('an object cell is refused with the row and column', () => {
  assert.throws(() => toFrame([{ a: 1 }, { a: { nested: true } }]), /row 1, column 'a'/);
});
