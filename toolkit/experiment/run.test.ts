/**
 * runWorkload's two stages on the cpu backend (one lane) with two tiny MLPs written to a temporary folder:
 * the workspace makes each plan once (with the backend's runtime memory, `Backend.runtimeMemory`) and is reused
 * across runs; the budget rule is checked before anything
 * runs (exactly the need runs, one byte less is a BudgetTooSmallError with the bytes); a policy that cannot
 * start is a result with its bytes, not a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BudgetTooSmallError } from '../core/memory-errors';
import { CpuBackend } from '../runtime/cpu-backend';
import { runWorkload } from './run';
import { tinyWorkspace as workspace } from './tiny-workload.test-helper';

test('the plan stage makes each plan once, with the backend\'s runtime memory, and the run stage reuses it', async () => {
  const ws = await workspace();
  const backend = new CpuBackend({ lanes: 1 });
  try {
    const runtime = await backend.runtimeMemory();
    const plans = ws.plansAt('quilt', '40%', runtime);
    assert.equal(ws.plan('a', 'quilt', '40%', runtime), plans.get('a'));
    const bare = ws.plan('a', 'model', undefined);
    assert.ok(ws.plan('a', 'model', undefined, runtime).tasks[0].demandBytes > bare.tasks[0].demandBytes, 'the runtime terms count (not vacuous)');
    const first = await runWorkload({ workspace: ws, backend, budget: 'unlimited', policies: ['quilt'], threshold: '40%' });
    const second = await runWorkload({ workspace: ws, backend, budget: 'unlimited', policies: ['quilt'], threshold: '40%' });
    assert.equal(ws.plan('a', 'quilt', '40%', runtime), plans.get('a'), 'the same plan object after two runs');
    assert.equal(first.concurrency, backend.concurrency);
    for (const r of [first, second]) assert.deepEqual(r.rows.map((row) => row.status), Array(6).fill('ok'));
    assert.equal(first.models.find((m) => m.name === 'a')?.quiltThresholdBytes, plans.get('a')?.thresholdBytes);
  } finally {
    await backend.close();
  }
});

test('a budget of exactly what the policies need runs; one byte less fails before anything runs, with the bytes', async () => {
  const ws = await workspace();
  const policies = ['quilt', 'model-level'];
  const backend = new CpuBackend({ lanes: 1 });
  try {
    const needed = ws.neededBudgetBytes(policies, { runtime: await backend.runtimeMemory() });
    assert.ok(needed > ws.neededBudgetBytes(policies), 'the need with the backend\'s runtime memory is more than the bare one');
    let progressCalls = 0;
    await assert.rejects(
      runWorkload({ workspace: ws, backend, budget: needed - 1, policies, onProgress: () => { progressCalls++; } }),
      (e: unknown) => e instanceof BudgetTooSmallError && e.neededBytes === needed && e.budgetBytes === needed - 1,
    );
    assert.equal(progressCalls, 0, 'no policy started');
    const result = await runWorkload({ workspace: ws, backend, budget: needed, policies });
    assert.equal(result.summaries.length, 2);
    for (const s of result.summaries) assert.equal(s.completed, 6);
  } finally {
    await backend.close();
  }
});

test('triton-style that cannot load its models is a result with the bytes, and the other policies still run', async () => {
  const ws = await workspace();
  const backend = new CpuBackend({ lanes: 1 });
  try {
    const budget = ws.neededBudgetBytes(['model-level'], { runtime: await backend.runtimeMemory() });
    const result = await runWorkload({ workspace: ws, backend, budget, policies: ['triton-style', 'model-level'] });
    assert.equal(result.notRun.length, 1);
    const [notRun] = result.notRun;
    assert.equal(notRun.policy, 'triton-style');
    assert.ok(notRun.neededBytes > notRun.freeBytes);
    assert.ok(['a', 'b'].includes(notRun.model));
    assert.deepEqual(result.summaries.map((s) => s.policy), ['model-level']);
    // With room for both instances (twice the sum of the models' bare peaks: the runtime's terms come on top) it loads and runs.
    const roomy = await runWorkload({ workspace: ws, backend, budget: '200%', policies: ['triton-style'] });
    assert.equal(roomy.notRun.length, 0);
    assert.equal(roomy.summaries[0].completed, 6);
  } finally {
    await backend.close();
  }
});
