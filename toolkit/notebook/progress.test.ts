import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeKernel } from './fake-kernel.test-helper';
import { progressDisplay } from './progress';

function captureStderr(run: () => void): string {
  const chunks: string[] = [];
  const saved = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => { chunks.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    run();
  } finally {
    process.stderr.write = saved;
  }
  return chunks.join('');
}

test('outside a notebook, progress prints a line per tenth of the way and one at the end', () => {
  const text = captureStderr(() => {
    const progress = progressDisplay(20, 'runs');
    for (let i = 0; i < 20; i++) progress.tick();
    assert.equal(progress.count, 20);
    progress.done('all policies');
  });
  const lines = text.trim().split('\n');
  assert.equal(lines[0], 'runs: 0/20 (0%)');
  assert.equal(lines.length, 12, text);
  assert.equal(lines[lines.length - 1], 'runs: 20/20 (100%) all policies done');
});

test('in a notebook, progress is one output updated in place', () => {
  const kernel = fakeKernel();
  try {
    const progress = progressDisplay(3, 'models');
    progress.tick(1, 'mlp');
    progress.tick(2, '<cnn>');
    progress.done();
  } finally {
    kernel.stop();
  }
  const ids = new Set(kernel.outputs.map((o) => o.transient.display_id));
  assert.equal(ids.size, 1, 'a single display id');
  assert.deepEqual(kernel.outputs.map((o) => o.update), [false, true, true, true]);
  const last = kernel.outputs[kernel.outputs.length - 1].data['text/html'];
  assert.match(last, /<progress value="3" max="3"[^>]*><\/progress> models: 3\/3 \(100%\) done/);
  assert.ok(kernel.outputs[2].data['text/html'].includes('&lt;cnn&gt;'));
});
