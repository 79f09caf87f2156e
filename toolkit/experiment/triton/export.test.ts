/**
 * The Triton export on two tiny MLPs (tiny-workload.test-helper.ts): what it writes, its resource counts, the
 * budget rule, and `verifyTritonRepository` passing on it and failing (ok: false, or a one-line error) on a
 * repository that does not compute the whole model.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BudgetTooSmallError } from '../../core/memory-errors';
import { QuiltError } from '../../core/errors';
import { Task } from '../../partition/plan';
import { Backend } from '../../runtime/backend';
import { openBackend } from '../../sim/open';
import { GraphBuilder } from '../../graph/builder';
import { writeModel } from '../../onnx/write';
import { tinySpec } from '../tiny-workload.test-helper';
import { resourceCount } from './config';
import { exportTriton, TritonExportOptions } from './export';
import { verifyTritonRepository } from './verify';

const MiB = 2 ** 20;
let backend: Backend | undefined;
const cpu = async () => (backend ??= await openBackend('cpu'));
after(async () => { await backend?.close?.(); });

function options(out: string, extra: Partial<TritonExportOptions> = {}): TritonExportOptions {
  return { workload: tinySpec(), budget: '64MiB', backend: 'cpu', kind: 'KIND_CPU', out, threshold: '50%', ...extra };
}

/** tiny-workload.test-helper's MLP with other weights. */
function otherWeights(name: string, widths: readonly number[]): Uint8Array {
  const b = new GraphBuilder(name);
  let x = b.input('x', 'float32', [1, widths[0]]);
  for (let i = 0; i + 1 < widths.length; i++) {
    const data = new Float32Array(widths[i] * widths[i + 1]).map((_, k) => ((k % 5) - 2) / 40);
    const w = b.initializer(`w${i}`, { dtype: 'float32', dims: [widths[i], widths[i + 1]], bytes: new Uint8Array(data.buffer) });
    x = b.op('MatMul', [x, w], {}, `fc${i}`);
    if (i + 2 < widths.length) x = b.op('Relu', [x], {}, `relu${i}`);
  }
  b.output(x, 'float32', [1, widths[widths.length - 1]]);
  return writeModel(b.finish());
}

const tempOut = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-triton-')), 'repo');

test('a task asks for ceil(predicted activation bytes / unit) units', () => {
  const task = (peakActivationBytes: number) => ({ peakActivationBytes } as Task);
  assert.equal(resourceCount(task(2 * MiB), MiB), 2);
  assert.equal(resourceCount(task(2 * MiB + 1), MiB), 3);
  assert.equal(resourceCount(task(5 * MiB), 4 * MiB), 2);
});

test('export writes a task model and config per task, an ensemble config and empty 1/ per model, SERVE.md and the command', async () => {
  const out = tempOut();
  const result = await exportTriton(options(out, { unitMiB: 2 }));
  assert.equal(result.repository, out);
  assert.equal(result.units, 32, '64 MiB in units of 2 MiB');
  assert.equal(result.serve, `tritonserver --model-repository=${out} --rate-limit=execution_count --rate-limit-resource=quilt_activation_2mib:32`);
  assert.deepEqual(result.models.map((m) => m.ensemble), ['a', 'b']);
  for (const m of result.models) {
    assert.ok(m.tasks.length >= 2, `${m.ensemble} is cut at 50%`);
    assert.deepEqual(fs.readdirSync(path.join(out, m.ensemble, '1')), [], 'an ensemble\'s version folder is empty');
    const ensemble = fs.readFileSync(path.join(out, m.ensemble, 'config.pbtxt'), 'utf8');
    assert.match(ensemble, /platform: "ensemble"/);
    for (const [i, t] of m.tasks.entries()) {
      assert.equal(t.count, 1, 'a few KiB of activations is one unit');
      assert.equal(t.resource, 'quilt_activation_2mib');
      assert.ok(fs.statSync(path.join(out, t.name, '1', 'model.onnx')).size > 0);
      assert.match(fs.readFileSync(path.join(out, t.name, 'config.pbtxt'), 'utf8'), /rate_limiter \{\n\s+resources \[\n\s+\{\n\s+name: "quilt_activation_2mib"\n\s+count: 1\n/);
      assert.match(ensemble, new RegExp(`model_name: "${t.name}"`));
      if (i > 0) assert.deepEqual(t.inputs, m.tasks[i - 1].outputs, 'a chain of MLP layers hands on one cut tensor');
    }
  }
  const serve = fs.readFileSync(path.join(out, 'SERVE.md'), 'utf8');
  assert.ok(serve.includes(result.serve));
  assert.match(serve, /Weights stay loaded in Triton/);
});

test('verify --triton finds every ensemble equal to its whole model', async () => {
  const out = tempOut();
  const result = await exportTriton(options(out));
  const checks = await verifyTritonRepository(out, await cpu());
  assert.deepEqual(checks.map((c) => [c.model, c.steps, c.ok]), result.models.map((m) => [m.ensemble, m.tasks.length, true]));
  for (const c of checks) assert.ok(c.maxRelDiff <= 1e-5, `${c.model}: ${c.maxRelDiff}`);
});

test('verify --triton says DIFFERENT when the whole model no longer matches the tasks, and fails in one line on a broken repository', async () => {
  const spec = tinySpec();
  const out = tempOut();
  const result = await exportTriton(options(out, { workload: spec }));
  // Model a with other weights (same names and shapes): the ensemble of a's old tasks must differ from it.
  fs.writeFileSync(spec.models[0].model, otherWeights('a', [64, 256, 256, 16]));
  const checks = await verifyTritonRepository(out, await cpu());
  assert.deepEqual(checks.map((c) => [c.model, c.ok]), [['a', false], ['b', true]]);

  fs.rmSync(path.join(out, result.models[1].tasks[1].name), { recursive: true });
  await assert.rejects(verifyTritonRepository(out, await cpu()), (e: unknown) => e instanceof QuiltError
    && e.message === `${path.join(out, 'b', 'config.pbtxt')}: step model '${result.models[1].tasks[1].name}' is not in the repository`);

  const ensemble = path.join(out, 'b', 'config.pbtxt');
  fs.writeFileSync(ensemble, fs.readFileSync(ensemble, 'utf8').replace('max_batch_size', 'max_batch_sise'));
  await assert.rejects(verifyTritonRepository(out, await cpu()), (e: unknown) => e instanceof QuiltError
    && e.message === `${ensemble}: line 3: inference.ModelConfig has no field 'max_batch_sise'`);
});

test('a budget below a task\'s units is refused before anything is written', async () => {
  const out = tempOut();
  await assert.rejects(exportTriton(options(out, { budget: '1000' })), (e: unknown) => e instanceof BudgetTooSmallError
    && e.neededBytes === MiB && /give at least --budget 1048576/.test(e.message));
  assert.deepEqual(fs.readdirSync(path.dirname(out)), [], 'no repository and no temporary folder');
  await assert.rejects(exportTriton(options(out, { budget: '1MiB', unitMiB: 0 })), /--unit-mib: '0' is not a positive whole number/);
});
