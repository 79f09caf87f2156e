/**
 * A load check for calibration: the same busy loop (plain JavaScript, no onnxruntime) once alone on a worker
 * thread, then on two worker threads at once. On two idle cores both take as long as one alone (ratio near 1);
 * on a machine where other jobs hold a core, the pair takes up to twice as long or more. Pair measurements
 * (interference) are the ones such load skews most, so the ratio goes into the profile's notes.
 */
import { median } from '../../core/median';
import { Worker } from 'node:worker_threads';

const LOOP = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (n) => { const t0 = performance.now(); let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i); parentPort.postMessage([performance.now() - t0, x]); });`;

function ask(worker: Worker, n: number): Promise<number> {
  return new Promise((resolve) => { worker.once('message', (m: [number, number]) => resolve(m[0])); worker.postMessage(n); });
}

/** Median over `rounds` of (time of each of two loops run at once) / (time of one alone). */
export async function parallelRatio(rounds = 3, iterations = 5e7): Promise<number> {
  const a = new Worker(LOOP, { eval: true });
  const b = new Worker(LOOP, { eval: true });
  try {
    await Promise.all([ask(a, 1e6), ask(b, 1e6)]);
    const ratios: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const alone = await ask(a, iterations);
      const both = await Promise.all([ask(a, iterations), ask(b, iterations)]);
      ratios.push(Math.max(...both) / alone);
    }
    return median(ratios);
  } finally {
    await a.terminate();
    await b.terminate();
  }
}
