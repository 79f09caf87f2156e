/**
 * The GPU kit, end to end: pack it (incrementally), copy it alone into an empty folder and run it with no
 * Node.js on PATH, as a bare GPU machine would. The CPU reproduction always runs; the WebGPU path runs on
 * Mesa's lavapipe through the Vulkan loader the kit carries, and fails with a clear line where Mesa is missing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..');
let tmp = '';
let kit = '';
let bin = '';

/** A PATH folder holding every command of /usr/bin and /bin except Node.js, plus a `node` that records use. */
function nodelessBin(dir: string, marker: string): void {
  fs.mkdirSync(dir);
  for (const from of ['/usr/bin', '/bin']) {
    for (const name of fs.readdirSync(from)) {
      if (/^(node|nodejs|npm|npx|corepack)$/.test(name) || fs.existsSync(path.join(dir, name))) continue;
      fs.symlinkSync(path.join(from, name), path.join(dir, name));
    }
  }
  fs.writeFileSync(path.join(dir, 'node'), `#!/bin/sh\necho "$0 $*" >> '${marker}'\nexit 97\n`, { mode: 0o755 });
}

function runKit(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const cwd = fs.mkdtempSync(path.join(tmp, 'cwd-'));
  const r = spawnSync(path.join(kit, 'run.sh'), args, {
    cwd, encoding: 'utf8', maxBuffer: 64 << 20,
    // Nothing of this process's environment travels: a PATH without node, a home, the zoo's cache of models.
    env: { PATH: bin, HOME: tmp, QUILT_CACHE_DIR: path.join(repo, '.cache', 'zoo'), ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tarList(file: string): string[] {
  const r = spawnSync('tar', ['-tJf', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '' && !l.endsWith('/'));
}

function tarRead(file: string, member: string): string {
  const r = spawnSync('tar', ['-xJOf', file, member], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(() => {
  const pack = spawnSync('bash', [path.join(repo, 'scripts', 'gpu', 'pack.sh'), '--skip-build'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(pack.status, 0, `pack.sh failed:\n${pack.stderr}`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-gpu-kit-test-'));
  kit = path.join(tmp, 'kit');
  fs.cpSync(path.join(repo, '.gpu-kit'), kit, { recursive: true });
  bin = path.join(tmp, 'bin');
  nodelessBin(bin, path.join(tmp, 'system-node-used'));
});

after(() => {
  if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
});

test('the packed kit is under 60 MiB, without notebook or build packages (tslab, zeromq, typescript) or other platforms\' binaries', () => {
  const files = fs.readdirSync(kit).filter((f) => !f.startsWith('.'));
  assert.deepEqual(files.sort(), ['MANIFEST.txt', 'app.tar.xz', 'deps.tar.xz', 'node.xz', 'ort.tar.xz', 'run.sh', 'sys.tar.xz']);
  const bytes = files.reduce((sum, f) => sum + fs.statSync(path.join(kit, f)).size, 0);
  assert.ok(bytes < 60 * 2 ** 20, `kit is ${bytes} bytes`);
  const deps = tarList(path.join(kit, 'deps.tar.xz'));
  const packages = new Set(deps.map((f) => f.split('/').slice(2, f.split('/')[2]?.startsWith('@') ? 4 : 3).join('/')));
  for (const unwanted of ['tslab', 'zeromq', 'typescript', '@tslab/typescript-for-tslab']) assert.ok(!packages.has(unwanted), `${unwanted} is in the kit`);
  assert.ok(packages.has('onnxruntime-node') && packages.has('onnx-proto'), 'runtime packages are missing');
  const natives = tarList(path.join(kit, 'ort.tar.xz'));
  assert.ok(natives.some((f) => f.endsWith('linux/x64/libonnxruntime.so.1')), natives.join(' '));
  assert.ok(natives.every((f) => f.includes('/linux/x64/')), `other platforms in ort.tar.xz: ${natives.join(' ')}`);
});

test('run.sh refuses to start without --to, and refuses --out-dir, with one line and status 2', () => {
  for (const args of [['--backend', 'cpu'], ['--to', path.join(tmp, 'x'), '--out-dir', 'y']]) {
    const r = runKit(args);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^run\.sh: /);
  }
});

test('the kit alone runs reproduce --backend cpu --quick --json with no node on PATH', () => {
  const out = path.join(tmp, 'out-cpu');
  const r = runKit(['--to', out, '--backend', 'cpu', '--quick', '--json']);
  const log = fs.existsSync(path.join(out, 'run.log')) ? fs.readFileSync(path.join(out, 'run.log'), 'utf8') : '';
  assert.equal(r.status, 0, `run.sh failed:\n${r.stderr}\n${log}`);
  assert.ok(!fs.existsSync(path.join(tmp, 'system-node-used')), 'the node on PATH was called');

  const hasGpu = spawnSync('nvidia-smi', ['-L']).status === 0;
  const expected = ['machine.txt', 'quilt.json', 'results.tar.xz', 'run.log', ...(hasGpu ? ['gpu-memory.csv'] : [])];
  assert.deepEqual(fs.readdirSync(out).sort(), expected.sort());
  const machine = fs.readFileSync(path.join(out, 'machine.txt'), 'utf8');
  assert.match(machine, /^node: \S*quilt-gpu-kit\.\w+\/bin\/node v\d+/m);
  assert.match(machine, /^exit: 0$/m);

  const report = JSON.parse(fs.readFileSync(path.join(out, 'quilt.json'), 'utf8'));
  const quick = JSON.parse(fs.readFileSync(path.join(repo, 'datasets', 'workloads', 'quick.json'), 'utf8'));
  assert.equal(report.backend, 'cpu');
  assert.equal(report.workload, quick.name);
  assert.equal(report.policies.quilt.completed, quick.requests);
  assert.equal(report.policies.quilt.oom, 0);
  const listed = tarList(path.join(out, 'results.tar.xz'));
  const written = (report.files as string[]).map((f) => `results/${path.basename(f)}`);
  assert.ok(written.length > 0);
  for (const f of written) assert.ok(listed.includes(f), `${f} is not in results.tar.xz (${listed.join(' ')})`);
  const summary = written.find((f) => f.endsWith('-quick-summary.csv'));
  assert.ok(summary !== undefined, written.join(' '));
  const rows = tarRead(path.join(out, 'results.tar.xz'), summary).trim().split('\n');
  assert.match(rows[0], /policy/);
  assert.ok(rows.slice(1).some((row) => row.startsWith('quilt,')), rows.join('\n'));
});

test('with an nvidia-smi that answers, GPU memory is sampled to gpu-memory.csv during the run', () => {
  const fakeBin = path.join(tmp, 'fake-gpu-bin');
  fs.mkdirSync(fakeBin);
  // Prints what the real one prints for the two calls run.sh makes, and samples until stopped.
  fs.writeFileSync(path.join(fakeBin, 'nvidia-smi'), `#!/bin/sh
case "$*" in
  -L) echo "GPU 0: Fake Test GPU (UUID: GPU-0)";;
  *-lms*) echo "timestamp, index, memory.used [MiB], memory.total [MiB], utilization.gpu [%]"
          while true; do echo "$(date '+%Y/%m/%d %H:%M:%S.000'), 0, 1234, 81559, 0"; sleep 0.1; done;;
  *) echo "Fake Test GPU, 000.00, 81559 MiB";;
esac
`, { mode: 0o755 });
  const out = path.join(tmp, 'out-fake-gpu');
  const r = runKit(['--to', out, '--quilt', 'zoo', 'list', '--json'], { PATH: `${fakeBin}:${bin}` });
  assert.equal(r.status, 0, r.stderr);
  const samples = fs.readFileSync(path.join(out, 'gpu-memory.csv'), 'utf8').trim().split('\n');
  assert.match(samples[0], /memory\.used/);
  assert.ok(samples.length >= 2, samples.join('\n'));
  assert.match(fs.readFileSync(path.join(out, 'machine.txt'), 'utf8'), /Fake Test GPU/);
  const listed = JSON.parse(fs.readFileSync(path.join(out, 'quilt.json'), 'utf8')) as { models: Array<{ name: string }> };
  assert.ok(listed.models.some((m) => m.name === 'mobilenetv2'), JSON.stringify(listed));
});

test('webgpu runs through the kit on lavapipe with the Vulkan loader the kit carries', () => {
  const icds = fs.existsSync('/usr/share/vulkan/icd.d') ? fs.readdirSync('/usr/share/vulkan/icd.d').filter((f) => f.startsWith('lvp_icd')) : [];
  assert.ok(icds.length > 0, "Mesa's lavapipe is not installed (no /usr/share/vulkan/icd.d/lvp_icd*.json): "
    + 'run `bash .ci/system-packages.sh` (mesa-vulkan-drivers 25 from bookworm-backports) to test the WebGPU path');
  const workload = path.join(tmp, 'webgpu-workload.json');
  const spec = {
    name: 'kit-webgpu', description: 'two MobileNetV2 requests, one client', seed: 1, requests: 2,
    arrival: { process: 'closed', clients: 1, thinkMs: 0 }, models: [{ model: 'mobilenetv2', batch: 1, share: 1 }],
  };
  fs.writeFileSync(workload, JSON.stringify(spec));
  const out = path.join(tmp, 'out-webgpu');
  const r = runKit(['--to', out, '--quilt', 'run', '--workload', workload, '--policy', 'quilt', '--budget', '100%',
    '--backend', 'webgpu', '--out', 'webgpu.csv', '--json'], { QUILT_KIT_VULKAN: 'kit' });
  const log = fs.existsSync(path.join(out, 'run.log')) ? fs.readFileSync(path.join(out, 'run.log'), 'utf8') : '';
  assert.equal(r.status, 0, `run.sh failed:\n${r.stderr}\n${log}`);
  assert.match(fs.readFileSync(path.join(out, 'machine.txt'), 'utf8'), /^vulkan loader: kit;/m);
  const report = JSON.parse(fs.readFileSync(path.join(out, 'quilt.json'), 'utf8'));
  assert.equal(report.backend, 'webgpu');
  assert.equal(report.policies.quilt.completed, spec.requests);
  const listed = tarList(path.join(out, 'results.tar.xz'));
  const written = (report.files as string[]).map((f) => `results/${path.basename(f)}`);
  assert.ok(written.some((f) => f.startsWith('results/webgpu') && f.endsWith('.csv')), written.join(' '));
  for (const f of written) assert.ok(listed.includes(f), `${f} is not in results.tar.xz (${listed.join(' ')})`);
});
