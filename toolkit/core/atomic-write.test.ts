import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyFileAtomic, writeFileAtomic, writeFileAtomicAsync } from './atomic-write';
import { QuiltError } from './errors';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-atomic-'));

test('writes, replaces, creates missing folders, and leaves no temporary file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'sub', 'x.txt');
  writeFileAtomic(file, 'one');
  writeFileAtomic(file, 'two');
  assert.equal(fs.readFileSync(file, 'utf8'), 'two');
  await writeFileAtomicAsync(path.join(dir, 'y.bin'), new Uint8Array([1, 2, 3]));
  assert.deepEqual([...fs.readFileSync(path.join(dir, 'y.bin'))], [1, 2, 3]);
  copyFileAtomic(file, path.join(dir, 'copy', 'z.txt'));
  assert.equal(fs.readFileSync(path.join(dir, 'copy', 'z.txt'), 'utf8'), 'two');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['copy', 'sub', 'y.bin']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'sub')), ['x.txt']);
});

test('a failed rename keeps the old target and removes the temporary file', async () => {
  const dir = tempDir();
  const target = path.join(dir, 'taken');
  fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
  const namesTarget = (e: unknown) => e instanceof QuiltError && e.message === `cannot write '${target}': it is a folder`;
  assert.throws(() => writeFileAtomic(target, 'x'), namesTarget);
  await assert.rejects(writeFileAtomicAsync(target, 'x'), namesTarget);
  const isFsError = (e: unknown) => /^E[A-Z]+$/.test(String((e as NodeJS.ErrnoException).code));
  assert.throws(() => copyFileAtomic(path.join(dir, 'missing'), path.join(dir, 'c')), isFsError, 'a missing source is not the target path\'s fault');
  assert.deepEqual(fs.readdirSync(dir), ['taken']);
  assert.deepEqual(fs.readdirSync(target), ['inside']);
});

test('a path under a file is a QuiltError that names the path (no stack, no internal error)', () => {
  const dir = tempDir();
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, '');
  const target = path.join(file, 'out', 'plan.json');
  assert.throws(() => writeFileAtomic(target, 'x'),
    (e: unknown) => e instanceof QuiltError && e.message === `cannot write '${target}': a part of the path is a file, not a folder`);
});
