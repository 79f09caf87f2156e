import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QuiltError } from '../../core/errors';
import { checkOutFolder, writeFolderAtomic } from './repository-folder';

const fresh = () => fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-folder-'));

test('a folder is written whole: a new one, and with force a non-empty one replaced', async () => {
  const parent = fresh();
  const out = path.join(parent, 'repo');
  await writeFolderAtomic(out, false, async (dir) => { fs.writeFileSync(path.join(dir, 'a'), '1'); });
  assert.deepEqual(fs.readdirSync(out), ['a']);
  await writeFolderAtomic(out, true, async (dir) => { fs.writeFileSync(path.join(dir, 'b'), '2'); });
  assert.deepEqual(fs.readdirSync(out), ['b']);
  assert.deepEqual(fs.readdirSync(parent), ['repo'], 'no temporary or old folder left beside it');
});

test('an empty existing folder is taken without --force; a non-empty one or a file is refused before any work', async () => {
  const parent = fresh();
  const out = path.join(parent, 'repo');
  fs.mkdirSync(out);
  await writeFolderAtomic(out, false, async (dir) => { fs.writeFileSync(path.join(dir, 'a'), '1'); });
  assert.deepEqual(fs.readdirSync(out), ['a']);
  let called = false;
  await assert.rejects(writeFolderAtomic(out, false, async () => { called = true; }), (e: unknown) => e instanceof QuiltError && /is not empty \(give --force/.test(e.message));
  assert.equal(called, false);
  fs.writeFileSync(path.join(parent, 'file'), 'x');
  assert.throws(() => checkOutFolder(path.join(parent, 'file'), true), /is a file, not a folder/);
  assert.throws(() => checkOutFolder(path.join(parent, 'file', 'repo'), false), (e: unknown) => e instanceof QuiltError && /cannot write .*a part of the path is a file/.test(e.message));
});

test('a failure while filling leaves the old folder as it was and no temporary folder', async () => {
  const parent = fresh();
  const out = path.join(parent, 'repo');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'old'), 'kept');
  await assert.rejects(writeFolderAtomic(out, true, async (dir) => {
    fs.writeFileSync(path.join(dir, 'half'), 'x');
    throw new Error('boom');
  }), /boom/);
  assert.deepEqual(fs.readdirSync(out), ['old']);
  assert.equal(fs.readFileSync(path.join(out, 'old'), 'utf8'), 'kept');
  assert.deepEqual(fs.readdirSync(parent), ['repo']);
});
