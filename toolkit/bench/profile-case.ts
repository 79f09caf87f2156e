/**
 * One case of the bench's profile section, run as a process of its own so that its peak RSS is its own:
 * `node profile-case.js '<json>'` with {model file, input shapes, staticRules}; loads the model, resolves its
 * shapes (static rules on or off) and takes the memory profile, then sends the timings, the fallback's counts
 * and the process's peak RSS (getrusage's maxrss) back over IPC.
 */
import { loadModel } from '../onnx/load';
import { resolveShapes } from '../shapes';
import { analyzeMemory } from '../memory/profile';
import { fileOrder } from '../graph/order';
import { weightBytes } from '../graph/graph';

export interface ProfileCase {
  readonly file: string;
  readonly inputShapes: Record<string, number[]>;
  readonly staticRules: boolean;
}

export interface ProfileCaseResult {
  readonly loadMs: number;
  readonly shapesMs: number;
  readonly profileMs: number;
  readonly weightBytes: number;
  readonly peakBytes: number;
  readonly fallbackRuns: number;
  readonly fallbackValues: number;
  readonly maxRssBytes: number;
}

async function main(): Promise<void> {
  const c = JSON.parse(process.argv[2]) as ProfileCase;
  const t0 = performance.now();
  const graph = loadModel(c.file);
  const t1 = performance.now();
  const shaped = await resolveShapes(graph, { inputShapes: c.inputShapes, staticRules: c.staticRules });
  const t2 = performance.now();
  const profile = analyzeMemory(shaped, fileOrder(shaped));
  const t3 = performance.now();
  const result: ProfileCaseResult = {
    loadMs: t1 - t0, shapesMs: t2 - t1, profileMs: t3 - t2, weightBytes: weightBytes(shaped), peakBytes: profile.peakBytes,
    fallbackRuns: shaped.resolution.fallbackRuns, fallbackValues: shaped.resolution.fallbackValues.length,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.send!({ result });
  process.disconnect?.();
}

main().catch((error: unknown) => {
  process.send!({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.disconnect?.();
});
