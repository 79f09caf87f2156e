/**
 * The GPU kit, end to end: pack it (incrementally), copy it alone into an empty folder and run it with no
 * Node.js on PATH, as a bare GPU machine would. Covered: the CPU reproduction as the command stage; GPU memory
 * sampling with an nvidia-smi stand-in; the Vulkan set-up probe falling back past a broken NVIDIA ICD file to
 * Mesa's lavapipe; a stage stopped at its cap keeping what it wrote while the next stage still runs; at most 8
 * files back, each under the size limit; the WebGPU path on lavapipe with the set-up the probe chose.
 * Every run points the probe at a temporary ICD folder and unpacking root, so nothing is unpacked into /.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..');
const SYS_PACKAGES = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];
let tmp = '';
let kit = '';
let bin = '';
let noIcds = '';

interface Stage { name: string; status: string; seconds: number; files: string[] }
interface Stages { budgetS: number; stages: Stage[] }
interface Setup { tried: Array<{ setup: string; ok: boolean; error: string; seconds: number }>; chosen: string | null; adapter: string | null }

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

/** A folder of stand-in commands (put first on PATH). */
function standIns(name: string, scripts: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  for (const [cmd, body] of Object.entries(scripts)) fs.writeFileSync(path.join(dir, cmd), body, { mode: 0o755 });
  return dir;
}

function runKit(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const cwd = fs.mkdtempSync(path.join(tmp, 'cwd-'));
  const r = spawnSync(path.join(kit, 'run.sh'), args, {
    cwd, encoding: 'utf8', maxBuffer: 64 << 20,
    // Nothing of this process's environment travels: a PATH without node, a home, the zoo's cache of models;
    // no NVIDIA ICD file and a temporary root for set-up a unless a test says otherwise.
    env: {
      PATH: bin, HOME: tmp, QUILT_CACHE_DIR: path.join(repo, '.cache', 'zoo'),
      QUILT_KIT_ICD_DIRS: noIcds, QUILT_KIT_ROOT: fs.mkdtempSync(path.join(tmp, 'root-')), ...env,
    },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readLog(out: string): string {
  return fs.existsSync(path.join(out, 'run.log')) ? fs.readFileSync(path.join(out, 'run.log'), 'utf8') : '';
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
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

function stage(stages: Stages, name: string): Stage {
  const s = stages.stages.find((x) => x.name === name);
  assert.ok(s !== undefined, `no stage '${name}' in ${JSON.stringify(stages)}`);
  return s;
}

before(() => {
  const pack = spawnSync('bash', [path.join(repo, 'scripts', 'gpu', 'pack.sh'), '--skip-build'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(pack.status, 0, `pack.sh failed:\n${pack.stderr}`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-gpu-kit-test-'));
  kit = path.join(tmp, 'kit');
  fs.cpSync(path.join(repo, '.gpu-kit'), kit, { recursive: true });
  bin = path.join(tmp, 'bin');
  nodelessBin(bin, path.join(tmp, 'system-node-used'));
  noIcds = fs.mkdtempSync(path.join(tmp, 'no-icds-'));
});

after(() => {
  if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
});

test('the packed kit is under 60 MiB, carries the seven Debian packages, and no notebook or build packages or other platforms\' binaries', () => {
  const files = fs.readdirSync(kit).filter((f) => !f.startsWith('.'));
  assert.deepEqual(files.sort(), ['MANIFEST.txt', 'app.tar.xz', 'deps.tar.xz', 'node.xz', 'ort.tar.xz', 'run.sh', 'sys.tar.xz', 'torch-reference.py']);
  const bytes = files.reduce((sum, f) => sum + fs.statSync(path.join(kit, f)).size, 0);
  assert.ok(bytes < 60 * 2 ** 20, `kit is ${bytes} bytes`);
  const deps = tarList(path.join(kit, 'deps.tar.xz'));
  const packages = new Set(deps.map((f) => f.split('/').slice(2, f.split('/')[2]?.startsWith('@') ? 4 : 3).join('/')));
  for (const unwanted of ['tslab', 'zeromq', 'typescript', '@tslab/typescript-for-tslab']) assert.ok(!packages.has(unwanted), `${unwanted} is in the kit`);
  assert.ok(packages.has('onnxruntime-node') && packages.has('onnx-proto'), 'runtime packages are missing');
  const natives = tarList(path.join(kit, 'ort.tar.xz'));
  assert.ok(natives.some((f) => f.endsWith('linux/x64/libonnxruntime.so.1')), natives.join(' '));
  assert.ok(natives.every((f) => f.includes('/linux/x64/')), `other platforms in ort.tar.xz: ${natives.join(' ')}`);
  const sys = tarList(path.join(kit, 'sys.tar.xz'));
  const debs = sys.filter((f) => f.startsWith('./debs/')).map((f) => path.basename(f).split('_')[0]).sort();
  assert.deepEqual(debs, [...SYS_PACKAGES].sort());
  for (const lib of ['lib/vulkan/libvulkan.so.1', 'lib/gl/libEGL.so.1', 'lib/gl/libGLdispatch.so.0']) assert.ok(sys.includes(`./${lib}`), `${lib} not in sys.tar.xz`);
  assert.ok(tarList(path.join(kit, 'app.tar.xz')).includes('./dist/scripts/gpu/webgpu-probe.js'), 'the probe is not in app.tar.xz');
});

test('run.sh refuses bad arguments with one line and status 2', () => {
  const cases = [['--backend', 'cpu'], ['--to', path.join(tmp, 'x'), '--out-dir', 'y'], ['--to', path.join(tmp, 'x'), '--budget-s', 'ten'],
    ['--to', path.join(tmp, 'x'), '--stages', 'probe,lunch']];
  for (const args of cases) {
    const r = runKit(args);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^run\.sh: /);
  }
});

test('the kit alone runs reproduce --backend cpu --quick --json as its command stage, with no node on PATH', () => {
  const out = path.join(tmp, 'out-cpu');
  // A budget far above what the quick reproduction needs on a loaded 2-core machine (the default, 480 s, is sized for a GPU machine).
  const r = runKit(['--to', out, '--budget-s', '3600', '--stages', 'command', '--backend', 'cpu', '--quick', '--json']);
  assert.equal(r.status, 0, `run.sh failed:\n${r.stderr}\n${readLog(out)}`);
  assert.ok(!fs.existsSync(path.join(tmp, 'system-node-used')), 'the node on PATH was called');

  const hasGpu = spawnSync('nvidia-smi', ['-L']).status === 0;
  const expected = ['machine.txt', 'results.tar.xz', 'run.log', 'stages.json', ...(hasGpu ? ['gpu-memory.csv'] : [])];
  assert.deepEqual(fs.readdirSync(out).sort(), expected.sort());
  const machine = fs.readFileSync(path.join(out, 'machine.txt'), 'utf8');
  assert.match(machine, /^node: \S*quilt-gpu-kit\.\w+\/bin\/node v\d+/m);
  const stages = readJson<Stages>(path.join(out, 'stages.json'));
  assert.equal(stages.budgetS, 3600);
  assert.deepEqual(stages.stages.map((s) => [s.name, s.status]), [
    ['probe', 'skipped'], ['calibrate', 'skipped'], ['reference', 'skipped'], ['reproduce --backend cpu --quick --json', 'done']]);
  assert.deepEqual(stage(stages, 'reproduce --backend cpu --quick --json').files, ['results.tar.xz']);

  const tar = path.join(out, 'results.tar.xz');
  const report = JSON.parse(tarRead(tar, 'results/quilt.json'));
  const quick = readJson<{ name: string; requests: number }>(path.join(repo, 'datasets', 'workloads', 'quick.json'));
  assert.equal(report.backend, 'cpu');
  assert.equal(report.workload, quick.name);
  assert.equal(report.policies.quilt.completed, quick.requests);
  assert.equal(report.policies.quilt.oom, 0);
  const listed = tarList(tar);
  const written = (report.files as string[]).map((f) => `results/${path.basename(f)}`);
  assert.ok(written.length > 0);
  for (const f of written) assert.ok(listed.includes(f), `${f} is not in results.tar.xz (${listed.join(' ')})`);
  const summary = written.find((f) => f.endsWith('-quick-summary.csv'));
  assert.ok(summary !== undefined, written.join(' '));
  const rows = tarRead(tar, summary).trim().split('\n');
  assert.match(rows[0], /policy/);
  assert.ok(rows.slice(1).some((row) => row.startsWith('quilt,')), rows.join('\n'));
});

test('with an nvidia-smi that answers, GPU memory is sampled to gpu-memory.csv during the run', () => {
  // Prints what the real one prints for the calls run.sh makes, and samples until stopped.
  const fakeBin = standIns('fake-gpu', { 'nvidia-smi': `#!/bin/sh
case "$*" in
  -L) echo "GPU 0: Fake Test GPU (UUID: GPU-0)";;
  *-lms*) echo "timestamp, index, memory.used [MiB], memory.total [MiB], utilization.gpu [%]"
          while true; do echo "$(date '+%Y/%m/%d %H:%M:%S.000'), 0, 1234, 81559, 0"; sleep 0.1; done;;
  *query-gpu=name\\ *|*query-gpu=name) echo "Fake Test GPU";;
  *) echo "Fake Test GPU, 000.00, 81559 MiB";;
esac
` });
  const out = path.join(tmp, 'out-fake-gpu');
  const r = runKit(['--to', out, '--stages', 'command', '--quilt', 'zoo', 'list', '--json'], { PATH: `${fakeBin}:${bin}` });
  assert.equal(r.status, 0, `${r.stderr}\n${readLog(out)}`);
  const samples = fs.readFileSync(path.join(out, 'gpu-memory.csv'), 'utf8').trim().split('\n');
  assert.match(samples[0], /memory\.used/);
  assert.ok(samples.length >= 2, samples.join('\n'));
  assert.match(fs.readFileSync(path.join(out, 'machine.txt'), 'utf8'), /Fake Test GPU/);
  const listed = JSON.parse(tarRead(path.join(out, 'results.tar.xz'), 'results/quilt.json')) as { models: Array<{ name: string }> };
  assert.ok(listed.models.some((m) => m.name === 'mobilenetv2'), JSON.stringify(listed));
});

/** An ICD folder whose NVIDIA ICD file names a library that does not exist: every NVIDIA set-up fails. */
function brokenNvidiaIcds(): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'icd-'));
  fs.writeFileSync(path.join(dir, 'nvidia_icd.json'), JSON.stringify({
    file_format_version: '1.0.0', ICD: { library_path: 'libGLX_nvidia_not_here.so.0', api_version: '1.3.0' },
  }));
  return dir;
}

function assertLavapipe(): void {
  const icds = fs.existsSync('/usr/share/vulkan/icd.d') ? fs.readdirSync('/usr/share/vulkan/icd.d').filter((f) => f.startsWith('lvp_icd')) : [];
  assert.ok(icds.length > 0, "Mesa's lavapipe is not installed (no /usr/share/vulkan/icd.d/lvp_icd*.json): "
    + 'run `bash .ci/system-packages.sh` (mesa-vulkan-drivers 25 from bookworm-backports) to test the WebGPU path');
}

test('run.sh --probe gets past broken NVIDIA set-ups (a missing driver library) and ends on Mesa\'s software driver', () => {
  assertLavapipe();
  const icdDir = brokenNvidiaIcds();
  const root = fs.mkdtempSync(path.join(tmp, 'root-'));
  const out = path.join(tmp, 'out-probe');
  const r = runKit(['--to', out, '--probe'], { QUILT_KIT_ICD_DIRS: icdDir, QUILT_KIT_ROOT: root });
  const log = readLog(out);
  assert.equal(r.status, 0, `${r.stderr}\n${log}`);
  const setup = readJson<Setup>(path.join(out, 'setup.json'));
  for (const t of setup.tried) assert.deepEqual(Object.keys(t).sort(), ['error', 'ok', 'seconds', 'setup']);
  const icd = path.join(icdDir, 'nvidia_icd.json');
  assert.deepEqual(setup.tried.map((t) => [t.setup, t.ok]), [
    ['a:root-debs', false], ['b:kit-libs', false], [`c:icd=${icd}`, false], [`c:icd-egl=${icd}`, false], ['d:environment', true]]);
  assert.equal(setup.chosen, 'd:environment');
  assert.match(setup.adapter ?? '', /llvmpipe/);
  for (const t of setup.tried.slice(1, 4)) {
    assert.ok(t.error.length > 0 && !t.error.includes('\n'), JSON.stringify(t));
    assert.match(log, new RegExp(`== probe: set-up ${t.setup.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} failed[^\\n]*\\n   environment: [^\\n]*VK_DRIVER_FILES=[^\\n]*\\n   loader output \\(VK_LOADER_DEBUG=error,warn,driver\\):\\n   \\| `));
  }
  if (process.getuid?.() === 0) {
    // a ran as root, into the stand-in root: the seven packages' libraries were unpacked there.
    assert.match(log, /== probe: set-up a:root-debs failed/);
    for (const lib of ['libvulkan.so.1', 'libEGL.so.1', 'libGLdispatch.so.0', 'libOpenGL.so.0', 'libGL.so.1', 'libGLX.so.0', 'libGLESv2.so.2']) {
      assert.ok(fs.existsSync(path.join(root, 'usr', 'lib', 'x86_64-linux-gnu', lib)), `${lib} was not unpacked by set-up a`);
    }
  } else {
    assert.match(setup.tried[0].error, /^not tried: not root/);
  }
  // The libEGL copy of the ICD file names libEGL_nvidia.so.0.
  assert.match(log, /c:icd-egl=\S+ failed[\s\S]*?libEGL_nvidia\.so\.0/);
  const stages = readJson<Stages>(path.join(out, 'stages.json'));
  assert.deepEqual(stage(stages, 'probe'), { ...stage(stages, 'probe'), status: 'done', files: ['setup.json'] });
});

test('the probe says so when no set-up works, and the stages that need WebGPU are skipped', () => {
  const out = path.join(tmp, 'out-probe-none');
  // No ICD anywhere: the environment's loader finds no driver at all.
  const empty = fs.mkdtempSync(path.join(tmp, 'empty-icd-'));
  const r = runKit(['--to', out, '--stages', 'probe,calibrate,command', '--backend', 'webgpu', '--quick', '--json'], { VK_DRIVER_FILES: path.join(empty, 'none.json'), VK_ICD_FILENAMES: path.join(empty, 'none.json') });
  assert.equal(r.status, 1, r.stderr);
  const setup = readJson<Setup>(path.join(out, 'setup.json'));
  assert.equal(setup.chosen, null);
  assert.equal(setup.adapter, null);
  assert.ok(setup.tried.every((t) => !t.ok));
  const stages = readJson<Stages>(path.join(out, 'stages.json'));
  assert.deepEqual(stages.stages.map((s) => s.status), ['failed', 'skipped', 'skipped', 'skipped']);
  assert.match(readLog(out), /no Vulkan set-up ran WebGPU/);
});

test('a stage stopped at its cap (its share of a small budget) keeps what it wrote, and the next stage still runs', () => {
  // A python3 stand-in for the reference stage: writes part of its file, then hangs.
  const fake = standIns('hang', { python3: `#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = --out ] && out=$2; shift; done
echo '{"started":"x","device":{"name":"stand-in"}}' > "$out"
exec sleep 3600
` });
  const out = path.join(tmp, 'out-caps');
  // Small, but enough for unpacking the kit on a loaded machine (tens of seconds) and the reference's 22% share.
  const budget = 200;
  const r = runKit(['--to', out, '--budget-s', String(budget), '--stages', 'reference,command', '--quilt', 'zoo', 'list', '--json'], { PATH: `${fake}:${bin}` });
  const log = readLog(out);
  assert.equal(r.status, 1, `${r.stderr}\n${log}`);
  const stages = readJson<Stages>(path.join(out, 'stages.json'));
  assert.equal(stages.budgetS, budget);
  const reference = stage(stages, 'reference');
  assert.equal(reference.status, 'partial');
  assert.deepEqual(reference.files, ['torch-reference.json']);
  assert.ok(reference.seconds < budget, JSON.stringify(reference));
  assert.match(log, /== stage reference: stopped at its cap of \d+ s/);
  assert.equal(readJson<{ device: { name: string } }>(path.join(out, 'torch-reference.json')).device.name, 'stand-in');
  const command = stage(stages, 'zoo list --json');
  assert.equal(command.status, 'done');
  assert.deepEqual(command.files, ['results.tar.xz']);
});

test('at most 8 files come back, each under the size limit: extra files are folded into results.tar.xz, large ones left out', () => {
  // The reference stand-in writes its file and four more beside it (into the returned folder).
  const fake = standIns('many', {
    python3: `#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = --out ] && out=$2; shift; done
echo '{"device":{"name":"stand-in"}}' > "$out"
for i in 1 2 3 4; do echo "extra $i" > "$(dirname "$out")/extra-$i.txt"; done
`,
    'nvidia-smi': `#!/bin/sh
case "$*" in
  -L) echo "GPU 0: Fake Test GPU (UUID: GPU-0)";;
  *-lms*) echo "timestamp, index, memory.used [MiB], memory.total [MiB], utilization.gpu [%]"; while true; do sleep 0.1; done;;
  *) echo "Fake Test GPU";;
esac
`,
  });
  const out = path.join(tmp, 'out-files');
  const limit = 300_000;
  // The command writes a 14 MB model into the returned folder too.
  const r = runKit(['--to', out, '--stages', 'probe,reference,command', '--quilt', 'zoo', 'build', 'mobilenetv2', '--out', path.join(out, 'mobilenetv2.onnx')],
    { PATH: `${fake}:${bin}`, QUILT_KIT_MAX_FILE_BYTES: String(limit) });
  const log = readLog(out);
  const files = fs.readdirSync(out);
  assert.ok(files.length <= 8, files.join(' '));
  for (const f of files) assert.ok(fs.statSync(path.join(out, f)).size <= limit, `${f} is ${fs.statSync(path.join(out, f)).size} bytes`);
  assert.ok(files.includes('torch-reference.json') && files.includes('stages.json') && files.includes('setup.json'), files.join(' '));
  const listed = tarList(path.join(out, 'results.tar.xz'));
  for (let i = 1; i <= 4; i++) assert.ok(listed.includes(`results/extra/extra-${i}.txt`), listed.join(' '));
  assert.ok(!listed.includes('results/extra/mobilenetv2.onnx'), 'the 14 MB model should have been left out');
  assert.match(tarRead(path.join(out, 'results.tar.xz'), 'results/LEFT-OUT.txt'), /results\/extra\/mobilenetv2\.onnx/);
  assert.match(log, /moved into results\.tar\.xz \(extra\/\): at most 8 files come back/);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
});

test('webgpu runs through the kit on lavapipe with the Vulkan set-up the probe chose', () => {
  assertLavapipe();
  const workload = path.join(tmp, 'webgpu-workload.json');
  const spec = {
    name: 'kit-webgpu', description: 'two MobileNetV2 requests, one client', seed: 1, requests: 2,
    arrival: { process: 'closed', clients: 1, thinkMs: 0 }, models: [{ model: 'mobilenetv2', batch: 1, share: 1 }],
  };
  fs.writeFileSync(workload, JSON.stringify(spec));
  const out = path.join(tmp, 'out-webgpu');
  const r = runKit(['--to', out, '--stages', 'probe,command', '--quilt', 'run', '--workload', workload, '--policy', 'quilt', '--budget', '100%',
    '--backend', 'webgpu', '--out', 'webgpu.csv', '--json'], { QUILT_KIT_ICD_DIRS: brokenNvidiaIcds() });
  const log = readLog(out);
  assert.equal(r.status, 0, `run.sh failed:\n${r.stderr}\n${log}`);
  assert.match(fs.readFileSync(path.join(out, 'machine.txt'), 'utf8'), /^vulkan set-up: d:environment; adapter: llvmpipe/m);
  const tar = path.join(out, 'results.tar.xz');
  const report = JSON.parse(tarRead(tar, 'results/quilt.json'));
  assert.equal(report.backend, 'webgpu');
  assert.equal(report.policies.quilt.completed, spec.requests);
  const listed = tarList(tar);
  const written = (report.files as string[]).map((f) => `results/${path.basename(f)}`);
  assert.ok(written.some((f) => f.startsWith('results/webgpu') && f.endsWith('.csv')), written.join(' '));
  for (const f of written) assert.ok(listed.includes(f), `${f} is not in results.tar.xz (${listed.join(' ')})`);
});
