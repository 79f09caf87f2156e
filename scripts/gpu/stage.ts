/**
 * Lays out what the GPU kit carries, from the built tree: `node dist/scripts/gpu/stage.js <repo> <stage>`.
 *
 * Stages: (1) the entries are the `quilt` command of package.json's `bin` and the kit's WebGPU probe
 * (dist/scripts/gpu/webgpu-probe.js, one try of run.sh's Vulkan set-up probe); (2) requireGraph finds the compiled
 * files it reaches and the packages they load; (3) packageClosure adds what those packages need; (4) copy into
 * `<stage>/app`: the reached files, a package.json naming the toolkit (the code finds its root by it), the
 * datasets folder, and the packages without nested node_modules, type declarations, source maps or docs;
 * native binaries under `bin/<napi>/<platform>/<arch>` are kept for linux/x64 only and go to `<stage>/ort`
 * instead (they change rarely and compress slowly, so pack.sh compresses them apart); (5) write
 * `<stage>/app/kit-contents.json` listing the packages and their versions.
 * Invariant: nothing outside the reached files, the closure and datasets/ is copied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageClosure } from './package-closure';
import { requireGraph } from './require-graph';

const PLATFORM = 'linux';
const ARCH = 'x64';
/** Files a package never needs at run time: type declarations, source maps, docs, its own tests. */
const DROPPED = /(\.d\.[cm]?ts|\.map|\.md|\.markdown|[._]test\.[cm]?js|\.spec\.[cm]?js)$/i;

interface ToolkitManifest { name: string; version: string; bin?: Record<string, string> | string }

/** `<...>/<platform>/<arch>` folders of native binaries: where a relative path sits, if in one. */
function nativeTarget(rel: string): { platform: string; arch: string } | undefined {
  const m = /(?:^|\/)bin\/napi-v\d+\/([^/]+)\/([^/]+)(?:\/|$)/.exec(rel);
  return m === null ? undefined : { platform: m[1], arch: m[2] };
}

function copyFile(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else fs.copyFileSync(from, to);
}

/** Copies one package folder (not its node_modules) into app/ and its linux-x64 native files into ort/. */
function copyPackage(root: string, pkgDir: string, app: string, ort: string): string[] {
  const natives: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules') continue; // nested packages are copied when the closure reaches them
        walk(full);
        continue;
      }
      const rel = path.relative(root, full);
      const relInPkg = path.relative(pkgDir, full).split(path.sep).join('/');
      if (DROPPED.test(entry.name)) continue;
      const native = nativeTarget(relInPkg);
      if (native !== undefined) {
        if (native.platform !== PLATFORM || native.arch !== ARCH) continue;
        copyFile(full, path.join(ort, rel));
        natives.push(rel);
        continue;
      }
      copyFile(full, path.join(app, rel));
    }
  };
  walk(pkgDir);
  return natives;
}

function copyTree(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyTree(source, path.join(to, entry.name));
    else copyFile(source, path.join(to, entry.name));
  }
}

export function stage(repo: string, out: string): { files: number; packages: string[]; natives: string[] } {
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as ToolkitManifest;
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.quilt;
  if (bin === undefined) throw new Error('package.json has no bin.quilt: nothing to start the kit from');
  const entry = path.join(repo, bin);
  const probe = path.join(repo, 'dist', 'scripts', 'gpu', 'webgpu-probe.js');
  const graph = requireGraph([entry, probe]);
  const dirs = packageClosure(repo, graph.packages);
  const app = path.join(out, 'app');
  const ort = path.join(out, 'ort');
  fs.rmSync(out, { recursive: true, force: true });
  for (const file of graph.files) copyFile(file, path.join(app, path.relative(repo, file)));
  const natives = dirs.flatMap((dir) => copyPackage(repo, dir, app, ort));
  const datasets = path.join(repo, 'datasets');
  if (fs.existsSync(datasets)) copyTree(datasets, path.join(app, 'datasets'));
  const packages = dirs.map((dir) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
    return `${pkg.name}@${pkg.version}`;
  });
  const contents = { name: manifest.name, version: manifest.version, bin: { quilt: bin }, entry: bin, packages, natives };
  fs.writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: manifest.name, version: manifest.version, private: true, bin: { quilt: bin } }, null, 2)}\n`);
  fs.writeFileSync(path.join(app, 'kit-contents.json'), `${JSON.stringify(contents, null, 2)}\n`);
  return { files: graph.files.length, packages, natives };
}

if (require.main === module) {
  const [repo, out] = process.argv.slice(2);
  if (repo === undefined || out === undefined) {
    process.stderr.write('usage: node dist/scripts/gpu/stage.js <repo> <stage-dir>\n');
    process.exit(2);
  }
  const result = stage(path.resolve(repo), path.resolve(out));
  process.stdout.write(`staged ${result.files} toolkit files, ${result.packages.length} packages, ${result.natives.length} native files (list: app/kit-contents.json)\n`);
}
