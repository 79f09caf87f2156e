/**
 * Which compiled files and which npm packages a program needs at run time, read from its CommonJS text
 * (what tsc emits), so the GPU kit carries those and nothing else.
 *
 * Stages: start from the entry files; in each file read every string literal; a literal is
 *  - a local edge when it is the argument of require() and is relative ('./x', '../y'), or when it names a
 *    `.js` file that exists beside the file (how `new Worker(path.join(__dirname, 'ort-worker.js'))` is found);
 *  - a package when it is the argument of require()/require.resolve() and not a node built-in, or when it is a
 *    path `<package>/<file>` whose file exists under a node_modules folder (how `require.resolve(id)` over a
 *    list of bundle paths is found).
 * Repeat until no new local file appears.
 * Invariant: every file in `files` exists and was reached from an entry; a literal that resolves to nothing
 * adds nothing (a false literal can only add a file or package that exists, never break the walk).
 */
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

export interface RequireGraph {
  /** Absolute paths of the local files reached, sorted. */
  readonly files: string[];
  /** Package names (`name` or `@scope/name`) the reached files load, sorted. */
  readonly packages: string[];
}

const BUILTINS = new Set(builtinModules);
const LITERAL = /(['"`])((?:(?!\1)[^\\\n$]|\\.)*)\1/g;
const REQUIRE_CALL = /\brequire(?:\.resolve)?\(\s*(['"`])([^'"`\n]+)\1\s*\)/g;

/** The package part of a bare specifier: `a/b/c` -> `a`, `@s/a/b` -> `@s/a`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

/** The file `specifier` names relative to `dir`, as Node resolves a relative require (x, x.js, x/index.js). */
function resolveLocal(dir: string, specifier: string): string | undefined {
  const base = path.resolve(dir, specifier);
  for (const candidate of [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Whether `<node_modules>/<specifier>` is a file for one of the node_modules folders above `dir`. */
function existsInNodeModules(dir: string, specifier: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules', specifier);
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** Walks the files reachable from `entries` (absolute paths of .js files). */
export function requireGraph(entries: readonly string[]): RequireGraph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => path.resolve(e));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    if (!fs.existsSync(file)) throw new Error(`require graph: entry ${file} does not exist (build first)`);
    files.add(file);
    if (!file.endsWith('.js')) continue;
    const dir = path.dirname(file);
    const text = fs.readFileSync(file, 'utf8');
    const required = new Set([...text.matchAll(REQUIRE_CALL)].map((m) => m[2]));
    for (const specifier of required) {
      if (specifier.startsWith('.')) {
        const target = resolveLocal(dir, specifier);
        if (target !== undefined) queue.push(target);
      } else if (!isBuiltin(specifier) && !path.isAbsolute(specifier)) {
        packages.add(packageNameOf(specifier));
      }
    }
    for (const m of text.matchAll(LITERAL)) {
      const literal = m[2];
      if (required.has(literal)) continue;
      if (/^[\w.-]+\.js$/.test(literal)) {
        const target = path.join(dir, literal);
        if (fs.existsSync(target)) queue.push(target);
      } else if (/^(@[\w.-]+\/)?[\w.-]+\/[\w./-]+$/.test(literal) && !literal.startsWith('.') && existsInNodeModules(dir, literal)) {
        packages.add(packageNameOf(literal));
      }
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}
