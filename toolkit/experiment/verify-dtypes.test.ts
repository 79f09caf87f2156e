/**
 * Verify's tolerance follows the dtypes of the cut tensors: an fp16 partition that is right passes (although
 * each boundary rounds a cut tensor to fp16, which the whole model does not), one whose two cut tensors are
 * swapped still fails, and a given tolerance wins. Input values given for verify reach the feeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/builder';
import { fileOrder } from '../graph/order';
import { loadModel } from '../onnx/load';
import { branchOnSampleRate, fp16Mlp, seededTensor } from '../onnx/class-fixtures';
import { propose } from '../partition/propose';
import { Backend } from '../runtime/backend';
import { openBackend } from '../sim/open';
import { resolveShapes } from '../shapes';
import { QuiltError } from '../core/errors';
import { DEFAULT_TOLERANCE, DTYPE_TOLERANCE, planTolerance, verifyPlan } from './verify';

/** fp16: h = Cast(x); a = Tanh(h W_a); b = Tanh(h W_b); out = Cast(a - b): a and b cross a boundary together. */
async function twoBranchFp16() {
  const b = new GraphBuilder('fp16_two_branch');
  const h = b.op('Cast', [b.input('x', 'float32', [4, 32])], { to: 10 }, 'h');
  const a = b.op('Tanh', [b.op('MatMul', [h, b.initializer('wa', seededTensor('float16', [32, 32], 1, 0.3))], {}, 'mma')], {}, 'a');
  const c = b.op('Tanh', [b.op('MatMul', [h, b.initializer('wb', seededTensor('float16', [32, 32], 2, 0.3))], {}, 'mmb')], {}, 'b');
  b.output(b.op('Cast', [b.op('Sub', [a, c], {}, 'sub')], { to: 1 }, 'out'));
  return resolveShapes(b.finish(), { fallback: 'none' });
}

/** A backend that swaps two named tensors wherever a session is fed both (a partition that mixes up cuts). */
function swapping(inner: Backend, x: string, y: string): Backend {
  return {
    name: inner.name,
    device: inner.device,
    hasDeviceMemory: inner.hasDeviceMemory,
    concurrency: inner.concurrency,
    tensor: (type, data, dims) => inner.tensor(type, data, dims),
    load: async (model, options) => {
      const session = await inner.load(model, options);
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        dispose: () => session.dispose(),
        run: (feeds) => session.run(x in feeds && y in feeds ? { ...feeds, [x]: feeds[y], [y]: feeds[x] } : feeds),
      };
    },
  };
}

test('fp16 cut tensors get the fp16 tolerance (16 unit round-offs), fp32 ones 1e-4', async () => {
  const graph = await twoBranchFp16();
  const layer = propose(graph, fileOrder(graph), { granularity: 'layer' });
  assert.deepEqual(planTolerance(layer), { tolerance: 16 * 2 ** -11, dtype: 'float16' });
  assert.equal(DTYPE_TOLERANCE.float32, DEFAULT_TOLERANCE);
  const whole = propose(graph, fileOrder(graph), { granularity: 'model' });
  assert.deepEqual(planTolerance(whole), { tolerance: DEFAULT_TOLERANCE, dtype: 'float32' }, 'no cut: the float32 output decides');
});

test('a correct fp16 partition passes; the same with two cut tensors swapped fails', async () => {
  const backend = await openBackend('cpu');
  const graph = await twoBranchFp16();
  const plan = propose(graph, fileOrder(graph), { granularity: 'layer' });
  const right = await verifyPlan(plan, backend);
  assert.ok(right.ok, `relative difference ${right.maxRelDiff} over ${right.tolerance}`);
  assert.equal(right.toleranceFrom, 'float16');
  const swapped = await verifyPlan(plan, swapping(backend, 'a_out', 'b_out'));
  assert.equal(swapped.ok, false, `swapped cuts passed with ${swapped.maxRelDiff}`);
  assert.ok(swapped.maxRelDiff > 0.1);
});

test('the fp16 MLP verifies at several thresholds; a given tolerance is used as given', async () => {
  const backend = await openBackend('cpu');
  const graph = await resolveShapes(fp16Mlp(4), { fallback: 'none' });
  const layer = propose(graph, fileOrder(graph), { granularity: 'layer' });
  const result = await verifyPlan(layer, backend);
  assert.ok(result.ok, `${result.maxRelDiff}`);
  const strict = await verifyPlan(layer, backend, { tolerance: result.maxRelDiff / 2 });
  assert.equal(strict.toleranceFrom, 'given');
  assert.equal(strict.ok, result.maxRelDiff === 0, 'half the measured difference fails unless it is exactly zero');
});

test('input values reach verify: the If model verifies with sr given, and names sr when its random value breaks it', async () => {
  const backend = await openBackend('cpu');
  const graph = await resolveShapes(loadModel(branchOnSampleRate()), { inputValues: { sr: [16000] } });
  const plan = propose(graph, fileOrder(graph), { granularity: 'layer' });
  assert.ok((await verifyPlan(plan, backend, { inputValues: { sr: [16000] } })).ok);
  await assert.rejects(verifyPlan(plan, backend), (e: unknown) => e instanceof QuiltError
    && /verify: the whole model 'branch_on_sample_rate' failed/.test(e.message) && /--input-value sr=<v>/.test(e.message));
});
