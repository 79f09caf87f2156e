import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuiltError } from '../core/errors';
import { fileOrder } from '../graph/order';
import { randomDag } from '../memory/test-support';
import { PartitionPlan } from './plan';
import { propose } from './propose';
import { validate } from './validate';

function planWithCuts(): PartitionPlan {
  for (let seed = 1; ; seed++) {
    const graph = randomDag(seed, 10);
    const plan = propose(graph, fileOrder(graph), { granularity: 'layer' });
    if (plan.cuts.length >= 3 && plan.pool.poolBytes < plan.pool.noReuseBytes) return plan;
  }
}

const rejects = (plan: PartitionPlan, pattern: RegExp): void => {
  assert.throws(() => validate(plan), (e: unknown) => e instanceof QuiltError && pattern.test(e.message));
};

test('validate accepts proposed plans and rejects each kind of broken one', () => {
  const plan = planWithCuts();
  validate(plan);
  const [t0, t1, ...rest] = plan.tasks;
  rejects({ ...plan, order: [...plan.order].reverse() }, /not topological|nodes are not/);
  rejects({ ...plan, tasks: [t0, ...rest] }, /says it is task/);
  rejects({ ...plan, tasks: [t0, ...rest.map((t) => ({ ...t, index: t.index - 1 }))] }, /starts at step/);
  // Tasks 0 and 1 merged (the rest renumbered) but the merged task keeps task 0's stale demand.
  rejects({ ...plan, tasks: [{ ...t0, end: t1.end, nodes: plan.order.slice(0, t1.end) }, ...rest.map((t) => ({ ...t, index: t.index - 1 }))] }, /task 0 reports weights\/peak\/demand .* recomputed/);
  rejects({ ...plan, tasks: [{ ...t0, demandBytes: t0.demandBytes + 1 }, t1, ...rest] }, /recomputed/);
  rejects({ ...plan, granularity: 'quilt', thresholdBytes: plan.minFeasibleThreshold, tasks: plan.tasks.map((t, i) => (i === 0 ? { ...t } : t)), minFeasibleThreshold: plan.minFeasibleThreshold - 1 }, /minFeasibleThreshold/);
  rejects({ ...plan, cuts: plan.cuts.slice(1) }, /not listed as a cut tensor/);
  rejects({ ...plan, cutBytes: plan.cutBytes + 1 }, /cutBytes/);
  rejects({ ...plan, tasks: [{ ...t0, inputs: [] }, t1, ...rest] }, /inputs/);
  rejects({ ...plan, tasks: [{ ...t0, outputs: [...t0.outputs, ...t1.outputs] }, t1, ...rest] }, /outputs/);
  rejects({ ...plan, pool: { ...plan.pool, slots: plan.pool.slots.map((s) => ({ ...s, offset: 0 })) } }, /overlap|ends past/);
  rejects({ ...plan, pool: { ...plan.pool, poolBytes: plan.pool.noReuseBytes + 1 } }, /exceeds/);
});

test('a quilt plan whose task demands more than the threshold is rejected', () => {
  const graph = randomDag(3, 10);
  const plan = propose(graph, fileOrder(graph), { granularity: 'quilt', threshold: '100%' });
  validate(plan);
  rejects({ ...plan, thresholdBytes: plan.tasks[0].demandBytes - 1 }, /over the threshold|below the smallest/);
});
