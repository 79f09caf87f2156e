import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from './errors';
import { BudgetTooSmallError, PolicyCannotStartError } from './memory-errors';

test('BudgetTooSmallError carries its bytes and is a one-line QuiltError', () => {
  const e = new BudgetTooSmallError({ neededBytes: 2048, budgetBytes: 1024, model: 'm', policy: 'quilt', detail: 'task 3' });
  assert.ok(e instanceof QuiltError);
  assert.deepEqual([e.neededBytes, e.budgetBytes, e.model, e.policy, e.name], [2048, 1024, 'm', 'quilt', 'BudgetTooSmallError']);
  assert.ok(!e.message.includes('\n'));
  const bare = new BudgetTooSmallError({ neededBytes: 2, budgetBytes: 1 });
  assert.equal(bare.model, undefined);
  assert.equal(bare.policy, undefined);
});

test('PolicyCannotStartError carries its bytes and its reason as fields', () => {
  const e = new PolicyCannotStartError({ policy: 'triton-style', model: 'b', neededBytes: 300, freeBytes: 100, budgetBytes: 400, detail: '(instance 2)' });
  assert.ok(e instanceof QuiltError);
  assert.deepEqual([e.policy, e.model, e.neededBytes, e.freeBytes, e.budgetBytes], ['triton-style', 'b', 300, 100, 400]);
  // The reason is a field of its own, made from the fields: the model, the bytes and the detail, not the policy.
  assert.ok(e.reason.includes("'b'") && e.reason.includes('(instance 2)'));
  assert.ok(!e.reason.includes('triton-style'));
  assert.ok(!e.message.includes('\n'));
});
