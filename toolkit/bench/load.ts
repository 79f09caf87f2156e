/**
 * Section 2, load + profile: per zoo model, the time to find its cached .onnx file (zooModelFile; built first
 * when missing, outside the timing), loadModel, resolveShapes and analyzeMemory; median of 3. Goal: < 2 s each.
 */
import { ZOO_MODELS, zooModelFile } from '../zoo';
import { loadModel } from '../onnx/load';
import { resolveShapes } from '../shapes';
import { analyzeMemory } from '../memory/profile';
import { fileOrder } from '../graph/order';
import { BenchContext, Row, SectionResult, goal, median, mib, nowMs, progress } from './report';

export async function benchLoad(ctx: BenchContext): Promise<SectionResult> {
  const rows: Row[] = [];
  let worst = 0;
  for (const m of ZOO_MODELS) {
    progress(`load: ${m.name}`);
    await zooModelFile(m.name, { batch: 1, seq: 128 });
    const parts: { load: number; shapes: number; profile: number; total: number }[] = [];
    let peak = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = nowMs();
      const file = await zooModelFile(m.name, { batch: 1, seq: 128 });
      const graph = loadModel(file);
      const t1 = nowMs();
      const shaped = await resolveShapes(graph);
      const t2 = nowMs();
      peak = analyzeMemory(shaped, fileOrder(shaped)).peakBytes;
      const t3 = nowMs();
      parts.push({ load: t1 - t0, shapes: t2 - t1, profile: t3 - t2, total: t3 - t0 });
    }
    const total = median(parts.map((p) => p.total));
    worst = Math.max(worst, total);
    rows.push({
      model: m.name, peakMiB: mib(peak), loadMs: median(parts.map((p) => p.load)), shapesMs: median(parts.map((p) => p.shapes)),
      profileMs: median(parts.map((p) => p.profile)), totalMs: total,
    });
  }
  return {
    section: 'load', title: 'Load + shapes + memory profile (median of 3)', quick: ctx.quick, measuredAt: new Date().toISOString(),
    rows, goals: [goal('slowest model load+profile', worst / 1000, 2, ' s')],
    notes: ['each column is its own median; total is the median of the per-run totals'],
  };
}
