import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageNameOf, requireGraph } from './require-graph';

/** Writes `files` (relative path -> text) under a fresh temporary folder and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'quilt-require-graph-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

test('package names keep the scope and drop the file path', () => {
  assert.equal(packageNameOf('csv-parse/sync'), 'csv-parse');
  assert.equal(packageNameOf('@scope/pkg/lib/x.js'), '@scope/pkg');
  assert.equal(packageNameOf('plain'), 'plain');
});

test('relative requires, worker files named beside a file and package paths are followed; the rest is not', () => {
  const root = tree({
    'dist/main.js': `const a = require("./a"); const fs = require("node:fs"); const os = require('os');
      const ort = require("onnxruntime-node"); const sync = require('csv-parse/sync');`,
    'dist/a.js': `const b = require("./sub"); new Worker(path.join(__dirname, 'worker.js'));
      const bundles = ['plot-lib/bundle.js', 'not-installed/bundle.js']; const word = 'table';`,
    'dist/sub/index.js': `module.exports = 1;`,
    'dist/worker.js': `require("../lib/helper.js")`,
    'dist/unreached.js': `require("tslab")`,
    'lib/helper.js': `const r = require("@scope/pkg/deep/file");`,
    'node_modules/plot-lib/bundle.js': '',
    'node_modules/table/package.json': '{}',
  });
  try {
    const graph = requireGraph([path.join(root, 'dist/main.js')]);
    const rel = graph.files.map((f) => path.relative(root, f).split(path.sep).join('/'));
    assert.deepEqual(rel, ['dist/a.js', 'dist/main.js', 'dist/sub/index.js', 'dist/worker.js', 'lib/helper.js']);
    // 'table' is a plain word, not a require: the installed package of that name is not taken.
    assert.deepEqual(graph.packages, ['@scope/pkg', 'csv-parse', 'onnxruntime-node', 'plot-lib']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a missing entry is an error, not an empty graph', () => {
  const root = tree({ 'x.js': '' });
  try {
    assert.throws(() => requireGraph([path.join(root, 'missing.js')]), /does not exist/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
