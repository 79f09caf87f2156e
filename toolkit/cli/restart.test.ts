import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CPU_MALLOC_ENV } from '../runtime/cpu-process-env';

const cli = path.join(__dirname, 'main.js');

/** Runs `quilt args` with a preload that prints, from every process it starts in, the malloc setting it sees. */
function quilt(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string; seen: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quilt-restart-'));
  const preload = path.join(dir, 'print-env.js');
  writeFileSync(preload, "process.stderr.write(`malloc: ${process.env.MALLOC_MMAP_THRESHOLD_ ?? 'unset'}\\n`);\n");
  const r = spawnSync(process.execPath, ['--require', preload, cli, ...args], { env, encoding: 'utf8' });
  const lines = r.stderr.split('\n');
  return {
    status: r.status, stdout: r.stdout,
    stderr: lines.filter((l) => !l.startsWith('malloc: ')).join('\n').trim(),
    seen: lines.filter((l) => l.startsWith('malloc: ')).map((l) => l.slice('malloc: '.length)),
  };
}

function without(keys: readonly string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of keys) delete env[key];
  return env;
}

test('quilt started without the malloc settings runs its command in a child that has them', () => {
  const help = quilt(['--help'], without(Object.keys(CPU_MALLOC_ENV)));
  assert.deepEqual(help.seen, ['unset', CPU_MALLOC_ENV.MALLOC_MMAP_THRESHOLD_]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: quilt/);
  assert.equal(help.stdout.match(/usage: quilt/g)?.length, 1);
});

test('the child\'s exit status and its one stderr line are the command\'s', () => {
  const bad = quilt(['no-such-command'], without(Object.keys(CPU_MALLOC_ENV)));
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.split('\n').length, 1);
  assert.match(bad.stderr, /^quilt: unknown command 'no-such-command'/);
});

test('quilt started with the settings (or with a user\'s own value) runs in this process, no child', () => {
  assert.deepEqual(quilt(['--help'], { ...process.env, ...CPU_MALLOC_ENV }).seen, [CPU_MALLOC_ENV.MALLOC_MMAP_THRESHOLD_]);
  assert.deepEqual(quilt(['--help'], { ...without(Object.keys(CPU_MALLOC_ENV)), MALLOC_TRIM_THRESHOLD_: '0' }).seen, ['unset']);
});
