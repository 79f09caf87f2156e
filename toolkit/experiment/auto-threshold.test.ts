import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionPlan } from '../partition/plan';
import { autoThresholdBytes, requestNeedBytes } from './auto-threshold';

/** A stand-in plan: only the fields the rule reads. */
function plan(thresholdBytes: number, demands: number[], poolBytes: number): PartitionPlan {
  return { thresholdBytes, tasks: demands.map((demandBytes) => ({ demandBytes })), pool: { poolBytes } } as unknown as PartitionPlan;
}

test('auto threshold: an unlimited budget, or a model within its share, stays whole', () => {
  const never = () => { throw new Error('no plan needed'); };
  assert.equal(autoThresholdBytes({ budgetBytes: Infinity, concurrency: 4, wholeDemandBytes: 500, planAt: never }), 500);
  // 100 / 4 = 25 >= 20.
  assert.equal(autoThresholdBytes({ budgetBytes: 100, concurrency: 4, wholeDemandBytes: 20, planAt: never }), 20);
  // The same model with 5 tasks at once: share 20, still whole; at 6, share 16: cut.
  assert.equal(autoThresholdBytes({ budgetBytes: 100, concurrency: 5, wholeDemandBytes: 20, planAt: never }), 20);
  assert.notEqual(autoThresholdBytes({ budgetBytes: 100, concurrency: 6, wholeDemandBytes: 20, planAt: (t) => plan(t, [t], 0) }), 20);
});

test('auto threshold: the share, lowered by what the largest task and the pool exceed it by', () => {
  const asked: number[] = [];
  // share = 100 / 4 = 25. At 25: largest 25 + pool 5 = 30, 5 over -> 20. At 20: 18 + 2 = 20 <= 25 -> 20.
  const planAt = (t: number) => { asked.push(t); return t >= 25 ? plan(t, [25, 10], 5) : plan(t, [18, 9, 7], 2); };
  assert.equal(autoThresholdBytes({ budgetBytes: 100, concurrency: 4, wholeDemandBytes: 60, planAt }), 20);
  assert.deepEqual(asked, [25, 20]);
});

test('auto threshold: below the smallest feasible threshold it is raised to it (the plan says so)', () => {
  // Smallest feasible: 40 > share 25: the clamped plan's threshold is the answer.
  assert.equal(autoThresholdBytes({ budgetBytes: 100, concurrency: 4, wholeDemandBytes: 60, planAt: (t) => plan(Math.max(t, 40), [40], 3) }), 40);
});

test('requestNeedBytes: largest task plus the pool, no pool for a single task', () => {
  assert.equal(requestNeedBytes(plan(10, [3, 9, 4], 5)), 14);
  assert.equal(requestNeedBytes(plan(10, [9], 5)), 9);
});
