import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { BudgetTooSmallError } from '../core/memory-errors';
import { UNLIMITED_BUDGET, budgetNeed, checkBudget, parseBudget } from './budget';

test('parseBudget: bytes, units, shares of the sum of peaks, unlimited', () => {
  assert.equal(parseBudget(4096, 1), 4096);
  assert.equal(parseBudget('2KiB', 1), 2048);
  assert.equal(parseBudget('60%', 1000), 600);
  assert.equal(parseBudget(' 12.5 % ', 1000), 125);
  assert.equal(parseBudget('unlimited', 1), UNLIMITED_BUDGET);
});

test('parseBudget is as strict as the threshold parser: no exponents, signs, words or zero', () => {
  for (const bad of ['1e2%', '-5%', '+5%', '%', 'fifty%', '0%', '5 %%']) {
    assert.throws(() => parseBudget(bad, 1000), (e: unknown) => e instanceof QuiltError && e.message.startsWith('--budget'), bad);
  }
});

test('budgetNeed: the largest task plus that model\'s pool when the pool is on', () => {
  const models = [
    { model: 'a', taskDemands: [10, 30, 20], poolBytes: 8 },
    { model: 'b', taskDemands: [35], poolBytes: 100 },
  ];
  // Pool on: a needs 30 + 8 = 38; b is one task, so its pool does not count: 35.
  assert.deepEqual(budgetNeed(models, true), { neededBytes: 38, model: 'a', taskIndex: 1, taskBytes: 30, poolBytes: 8 });
  // Pool off: b's 35 beats a's 30.
  assert.deepEqual(budgetNeed(models, false), { neededBytes: 35, model: 'b', taskIndex: 0, taskBytes: 35, poolBytes: 0 });
  assert.equal(budgetNeed([], true), undefined);
  assert.equal(budgetNeed([{ model: 'empty', taskDemands: [], poolBytes: 5 }], true), undefined);
});

test('checkBudget passes at exactly the need and throws a BudgetTooSmallError with the bytes one byte below', () => {
  const need = budgetNeed([{ model: 'a', taskDemands: [10, 30], poolBytes: 8 }], true);
  checkBudget(need, 38, 'quilt');
  checkBudget(undefined, 1, 'triton-style');
  assert.throws(() => checkBudget(need, 37, 'quilt'), (e: unknown) => e instanceof BudgetTooSmallError && e instanceof QuiltError
    && e.neededBytes === 38 && e.budgetBytes === 37 && e.model === 'a' && e.policy === 'quilt' && !e.message.includes('\n'));
});

test("parseBudget: '60%' of the sum of the models' demands, '60%peak' of the sum of their peaks", () => {
  const bases = { demandBytes: 2000, peakBytes: 1000 };
  assert.equal(parseBudget('60%', bases), 1200);
  assert.equal(parseBudget('60%peak', bases), 600);
  assert.equal(parseBudget('100%', bases), 2000);
  assert.throws(() => parseBudget('-1%peak', bases), QuiltError);
});
