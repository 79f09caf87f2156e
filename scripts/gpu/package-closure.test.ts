import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageClosure } from './package-closure';

/** A node_modules tree: each entry is a package folder (relative to the root) and its manifest. */
function install(packages: Record<string, object>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'quilt-closure-'));
  for (const [dir, manifest] of Object.entries(packages)) {
    mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, dir, 'package.json'), JSON.stringify(manifest));
  }
  return root;
}

test('dependencies are followed the way Node resolves them; dev and unneeded packages are left out', () => {
  const root = install({
    'node_modules/app-lib': { dependencies: { shared: '^2', leaf: '1' }, devDependencies: { typescript: '5' } },
    'node_modules/app-lib/node_modules/shared': { name: 'shared', version: '2.0.0' },
    'node_modules/shared': { name: 'shared', version: '1.0.0' },
    'node_modules/leaf': { optionalDependencies: { 'not-here': '1', 'is-here': '1' }, dependencies: { 'not-here': '1' } },
    'node_modules/is-here': {},
    'node_modules/typescript': {},
    'node_modules/tslab': { dependencies: { zeromq: '6' } },
    'node_modules/zeromq': {},
  });
  try {
    const rel = packageClosure(root, ['app-lib']).map((d) => path.relative(root, d).split(path.sep).join('/'));
    assert.deepEqual(rel, ['node_modules/app-lib', 'node_modules/app-lib/node_modules/shared', 'node_modules/is-here', 'node_modules/leaf']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a required dependency that is not installed is an error', () => {
  const root = install({ 'node_modules/a': { dependencies: { gone: '1' } } });
  try {
    assert.throws(() => packageClosure(root, ['a']), /'gone'.*not installed/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
