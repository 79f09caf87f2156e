/**
 * The installed npm packages a set of packages needs, found the way Node resolves them, so the kit copies
 * only those folders out of node_modules.
 *
 * Stages: resolve each name from the project root (`<root>/node_modules/<name>`); read the package's
 * package.json; resolve each of its `dependencies` and installed `optionalDependencies` from the package's
 * own folder upwards (`<pkg>/node_modules/<dep>`, then each node_modules above it, as Node does); repeat.
 * devDependencies are never followed.
 * Invariant: every folder returned holds a package.json; a required dependency that is not installed is an
 * error (the kit would fail at run time), an optional one that is not installed is left out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The folder Node would load `name` from when required by code in `fromDir`, or undefined. */
export function resolvePackageDir(fromDir: string, name: string, stopAt: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === stopAt || path.dirname(dir) === dir) return undefined;
  }
}

/** Package folders (absolute, sorted) that `names`, required from `root`, need at run time. */
export function packageClosure(root: string, names: readonly string[]): string[] {
  const top = path.resolve(root);
  const seen = new Set<string>();
  const queue: Array<{ from: string; name: string; optional: boolean }> = names.map((name) => ({ from: top, name, optional: false }));
  for (let item = queue.pop(); item !== undefined; item = queue.pop()) {
    const dir = resolvePackageDir(item.from, item.name, top);
    if (dir === undefined) {
      if (item.optional) continue;
      throw new Error(`package closure: '${item.name}' (needed from ${path.relative(top, item.from) || '.'}) is not installed: run npm ci`);
    }
    if (seen.has(dir)) continue;
    seen.add(dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
    const optional = manifest.optionalDependencies ?? {};
    // npm lists an optional dependency under both fields: optional wins.
    for (const dep of Object.keys(manifest.dependencies ?? {})) if (!(dep in optional)) queue.push({ from: dir, name: dep, optional: false });
    for (const dep of Object.keys(optional)) queue.push({ from: dir, name: dep, optional: true });
  }
  return [...seen].sort();
}
