/**
 * Section 5, order improvement (beyond the paper): reduceMemoryOrder on each zoo model, peak activation bytes
 * of the file's order and of the returned one, and which search won.
 */
import { ZOO_MODELS } from '../zoo';
import { fileOrder } from '../graph/order';
import { reduceMemoryOrder } from '../memory/reorder';
import { BenchContext, Row, SectionResult, mib, openZoo, progress, timed } from './report';

export async function benchOrder(ctx: BenchContext): Promise<SectionResult> {
  const rows: Row[] = [];
  for (const m of ZOO_MODELS) {
    progress(`order: ${m.name}`);
    const { graph } = await openZoo(m.name);
    const { ms, value: r } = await timed(() => reduceMemoryOrder(graph, fileOrder(graph)));
    rows.push({
      model: m.name, peakActBeforeMiB: mib(r.peakBefore), peakActAfterMiB: mib(r.peakAfter),
      reductionPct: Math.round((1 - r.peakAfter / r.peakBefore) * 1000) / 10, method: r.method, ms,
    });
  }
  return {
    section: 'order', title: 'Peak-reducing order (reduceMemoryOrder)', quick: ctx.quick, measuredAt: new Date().toISOString(),
    rows, goals: [], notes: ["method 'file' means no candidate beat the file's order (the pass never makes it worse)"],
  };
}
