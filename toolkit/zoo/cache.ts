/**
 * The zoo's file cache: a built model written once as ONNX and reused by later runs.
 *
 * Stages: resolve the cache folder (env QUILT_CACHE_DIR, else `<repo>/.cache/zoo`, the repository root found by
 * walking up from this file to the toolkit's package.json, so it works from `toolkit/zoo` and `dist/toolkit/zoo`);
 * name the file `<name>-b<batch>[-s<seq>][-r<seed>].onnx` (seq for transformers, seed when not the default);
 * reuse it when its sidecar `<file>.json` records the same zoo version and options; otherwise build, write to a
 * temporary file in the same folder and rename it into place, then the sidecar likewise.
 * Invariant: a reader never sees a partly written file (rename is atomic within a folder), and a file built by
 * an older version of the zoo is rebuilt rather than reused.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomicAsync } from '../core/atomic-write';
import * as path from 'node:path';
import { findRepoRoot } from '../core/paths';
import { writeModel } from '../onnx/write';
import { DEFAULT_SEED, ZooOptions, buildZooModel, resolveZooOptions } from './registry';

/** Bump when any network's graph or weights change, so cached files are rebuilt. */
export const ZOO_VERSION = 2;


export function zooCacheDir(): string {
  const override = process.env.QUILT_CACHE_DIR;
  return override !== undefined && override !== '' ? path.resolve(override) : path.join(findRepoRoot(), '.cache', 'zoo');
}

export function zooFileName(name: string, options: ZooOptions = {}): string {
  const { batch, seq, seed } = resolveZooOptions(name, options);
  const seqPart = seq === undefined ? '' : `-s${seq}`;
  const seedPart = seed === DEFAULT_SEED ? '' : `-r${seed}`;
  return `${name}-b${batch}${seqPart}${seedPart}.onnx`;
}


async function sidecarMatches(sidecar: string, expected: string): Promise<boolean> {
  try {
    return (await readFile(sidecar, 'utf8')) === expected;
  } catch {
    return false;
  }
}

/** The path of the model's ONNX file in the cache, building and writing it first when needed. */
export async function zooModelFile(name: string, options: ZooOptions = {}): Promise<string> {
  const resolved = resolveZooOptions(name, options);
  const dir = zooCacheDir();
  const file = path.join(dir, zooFileName(name, options));
  const sidecar = `${file}.json`;
  const stamp = `${JSON.stringify({ zooVersion: ZOO_VERSION, name, ...resolved })}\n`;
  if (existsSync(file) && await sidecarMatches(sidecar, stamp)) return file;
  await mkdir(dir, { recursive: true });
  const bytes = writeModel(buildZooModel(name, options));
  await writeFileAtomicAsync(file, bytes);
  await writeFileAtomicAsync(sidecar, stamp);
  return file;
}
