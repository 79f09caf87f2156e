/**
 * Measuring what one cpu session really uses: a model file runs alone in a fresh child process
 * (`memory-probe.ts`) with the cpu backend's session options, and the probe's high-water mark comes back.
 * `experiment/measure-memory.ts` measures a plan's tasks with it; the cpu backend's runtime memory model
 * (`cpu-memory-model.ts`) calibrates its `session` term with it, once, cached.
 *
 * Why here, in runtime/: the probe is the cpu backend's own session measured, so the backend can calibrate itself
 * behind the Backend seam (`Backend.runtimeMemory`) and nothing above it needs to know which backend needs what.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/atomic-write';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';
import { findRepoRoot } from '../core/paths';
import { cpuLaneLayout } from './cpu-session-options';
import { ProbeRequest, ProbeResult } from './memory-probe';

export { ProbeInput, ProbeRequest, ProbeResult } from './memory-probe';

function warmupModel(): Uint8Array {
  const b = new GraphBuilder('warmup');
  b.input('x', 'float32', [1, 4]);
  b.output(b.op('Relu', ['x']), 'float32', [1, 4]);
  return writeModel(b.finish());
}

/**
 * glibc's malloc keeps freed memory in the process by default (and raises its mmap threshold after each large
 * free), so VmRSS would count the garbage of session creation (the decoded file, weights before layout changes)
 * as if the session held it: 2.6x the weights for ResNet-50. With a fixed mmap threshold and trimming at every
 * free, freed blocks go back to the system and VmRSS is the memory in use. onnxruntime's own arena is untouched.
 */
export const PROBE_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '0' };

function runProbe(requestFile: string): Promise<ProbeResult> {
  const script = path.join(__dirname, 'memory-probe.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script, requestFile], { maxBuffer: 1 << 20, env: { ...process.env, ...PROBE_MALLOC_ENV } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the memory probe failed: ${stderr.trim() || error.message}`));
      else resolve(JSON.parse(stdout) as ProbeResult);
    });
  });
}

/** Measures one model file in a fresh probe process; `dir` is a scratch folder the caller owns. */
export async function probeModel(
  dir: string, name: string, bytes: Uint8Array, inputs: ProbeRequest['inputs'], threads: number,
): Promise<ProbeResult> {
  const warmupFile = path.join(dir, 'warmup.onnx');
  if (!fs.existsSync(warmupFile)) fs.writeFileSync(warmupFile, warmupModel());
  const modelFile = path.join(dir, `${name}.onnx`);
  fs.writeFileSync(modelFile, bytes);
  const requestFile = path.join(dir, `${name}.json`);
  fs.writeFileSync(requestFile, JSON.stringify({ modelFile, warmupFile, threads, inputs }));
  try {
    return await runProbe(requestFile);
  } finally {
    fs.rmSync(modelFile, { force: true });
  }
}

/**
 * The `session` term of the cpu backend: the resident bytes of a one-node session (a Relu on 4 floats) and its
 * run, measured once per onnxruntime version, CPU and thread count, and cached in `.cache/memory/`.
 */
export async function calibrateSessionBytes(threads?: number): Promise<number> {
  const t = threads ?? cpuLaneLayout(os.cpus().length).threads;
  const key = `ort-${ortVersion()}-${os.cpus()[0]?.model ?? 'cpu'}-${t}t`.replace(/[^A-Za-z0-9.-]+/g, '_');
  const cacheFile = path.join(findRepoRoot(), '.cache', 'memory', `session-${key}.json`);
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { sessionBytes: number };
    if (Number.isFinite(cached.sessionBytes)) return cached.sessionBytes;
  } catch { /* not cached yet */ }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-memory-'));
  try {
    const results: number[] = [];
    for (let i = 0; i < 3; i++) {
      results.push((await probeModel(dir, 'one-node', warmupModel(), [{ name: 'x', dtype: 'float32', dims: [1, 4], bound: 4 }], t)).measuredBytes);
    }
    const sessionBytes = Math.min(...results);
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileAtomic(cacheFile, `${JSON.stringify({ sessionBytes, measured: results, threads: t })}\n`);
    return sessionBytes;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function ortVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
