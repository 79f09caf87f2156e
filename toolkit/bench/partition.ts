/**
 * Section 3, partitioning: every zoo model at ten thresholds (10%..100% of its peak, each raised to the smallest
 * feasible threshold), propose (quilt) + validate. Goal: all 70 under 5 s. The smallest feasible threshold
 * (one `model` proposal per model) is found outside the timing.
 */
import { ZOO_MODELS } from '../zoo';
import { fileOrder } from '../graph/order';
import { analyzeMemory } from '../memory/profile';
import { propose } from '../partition/propose';
import { validate } from '../partition/validate';
import { BenchContext, Row, SectionResult, goal, mib, nowMs, openZoo, progress } from './report';

export async function benchPartition(ctx: BenchContext): Promise<SectionResult> {
  const rows: Row[] = [];
  let total = 0;
  for (const m of ZOO_MODELS) {
    progress(`partition: ${m.name}`);
    const { graph } = await openZoo(m.name);
    const order = fileOrder(graph);
    const peak = analyzeMemory(graph, order).peakBytes;
    const smallest = propose(graph, order, { granularity: 'model' }).minFeasibleThreshold;
    const tasks: number[] = [];
    let clamped = 0;
    const t0 = nowMs();
    for (let pct = 10; pct <= 100; pct += 10) {
      const wanted = Math.floor((peak * pct) / 100);
      if (wanted < smallest) clamped++;
      const plan = propose(graph, order, { granularity: 'quilt', threshold: Math.max(wanted, smallest) });
      validate(plan);
      tasks.push(plan.tasks.length);
    }
    const ms = nowMs() - t0;
    total += ms;
    rows.push({
      model: m.name, nodes: graph.nodes.length, peakMiB: mib(peak), minFeasiblePct: Math.round((smallest / peak) * 1000) / 10,
      clampedThresholds: clamped, 'tasks@10..100%': tasks.join(' '), ms,
    });
  }
  rows.push({ model: 'all (70 plans)', ms: total });
  return {
    section: 'partition', title: 'Partitioning: propose + validate at 10 thresholds per model', quick: ctx.quick,
    measuredAt: new Date().toISOString(), rows, goals: [goal('70 propose+validate', total / 1000, 5, ' s')],
    notes: ['thresholds below the smallest feasible one (minFeasiblePct of the peak) are raised to it (clampedThresholds)'],
  };
}
