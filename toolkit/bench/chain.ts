/**
 * Section 4, chain vs whole on the CPU: per zoo model (batch 1, seq 128), the whole model against its quilt
 * task models chained (threshold 50% of its peak, raised to the smallest feasible one) and against the
 * layer-granularity chain, all in one run on one cpu backend with one lane: one stream with every core, so the
 * ratio is the cost of cutting (extra sessions, one lane message per task; cut tensors stay in the lane), not of
 * sharing. Whole and quilt runs alternate (warm-ups first) and each gets the median; the layer chain, far
 * slower, gets fewer runs. Goals: chain/whole <= 1.02 per model; layer-level overhead per operator,
 * (layer chain - whole) / operators, <= 0.15 ms (a layer task is an operator plus the activation after it, so
 * there are fewer tasks than operators; the per-task figure is shown too), beside the same chain run in this
 * process (the floor).
 * Then the per-task overhead split into its parts (overhead.ts).
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import type * as ort from 'onnxruntime-node';
import { ZOO_MODELS } from '../zoo';
import { fileOrder } from '../graph/order';
import { analyzeMemory } from '../memory/profile';
import { propose } from '../partition/propose';
import { build } from '../partition/build';
import { openBackend } from '../sim/open';
import { LoadedChain, loadChain, runChain } from '../runtime/chain';
import { randomFeeds } from '../runtime/feeds';
import { BenchContext, Row, SectionResult, goal, median, medianMs, openZoo, progress, round, timed } from './report';
import { inProcessChain, measureTaskOverhead } from './overhead';
import { CPU_MALLOC_ENV } from '../runtime/cpu-process-env';

const QUICK_MODELS = ['resnet50', 'mobilenetv2', 'bert-base'];

export async function benchChain(ctx: BenchContext): Promise<SectionResult> {
  const runs = ctx.quick ? 5 : 10;
  const warmups = ctx.quick ? 1 : 2;
  const layerRuns = ctx.quick ? 1 : 3;
  const names = ctx.quick ? QUICK_MODELS : ZOO_MODELS.map((m) => m.name);
  const backend = await openBackend('cpu', { lanes: 1 });
  const rows: Row[] = [];
  const goals = [];
  const notes: string[] = [];
  try {
    for (const name of names) {
      const { graph, file } = await openZoo(name);
      const order = fileOrder(graph);
      const peak = analyzeMemory(graph, order).peakBytes;
      const smallest = propose(graph, order, { granularity: 'model' }).minFeasibleThreshold;
      const threshold = Math.max(Math.floor(peak / 2), smallest);
      const quiltPlan = propose(graph, order, { granularity: 'quilt', threshold });
      const layerPlan = propose(graph, order, { granularity: 'layer' });
      progress(`chain: ${name}: loading whole, ${quiltPlan.tasks.length} quilt tasks, ${layerPlan.tasks.length} layer tasks`);
      const feeds = randomFeeds(graph, backend, 1);
      const whole = await backend.load(readFileSync(file));
      // Cut tensors stay in the lane (the pool on), as the scheduler runs quilt and layer-level.
      const quilt = await loadChain(backend, build(quiltPlan), true);
      const layerModels = build(layerPlan);
      const { ms: layerLoadMs, value: layer } = await timed(async () => loadChain(backend, layerModels, true));
      const runWhole = () => whole.run(feeds);
      const runQuilt = () => runChain(quilt, feeds);
      try {
        progress(`chain: ${name}: ${warmups} warm-ups + ${runs} runs each of whole and quilt, alternating`);
        for (let i = 0; i < warmups; i++) { await runWhole(); await runQuilt(); }
        const wholeMs: number[] = [];
        const quiltMs: number[] = [];
        for (let i = 0; i < runs; i++) {
          wholeMs.push((await timed(runWhole)).ms);
          quiltMs.push((await timed(runQuilt)).ms);
        }
        progress(`chain: ${name}: layer chain, 1 warm-up + ${layerRuns} runs`);
        const layerMs = await medianMs(() => runChain(layer, feeds), layerRuns, 1);
        // The lane's layer sessions go before the in-process ones come (the section's peak memory stays as it was).
        await (layer as LoadedChain).dispose();
        progress(`chain: ${name}: the same layer chain in this process (the floor), 1 warm-up + ${layerRuns} runs`);
        const floor = await inProcessChain(layerModels, os.cpus().length);
        const floorMs = await medianMs(() => floor.run(feeds as Record<string, ort.Tensor>), layerRuns, 1);
        await floor.dispose();
        const w = median(wholeMs);
        const q = median(quiltMs);
        const operators = graph.nodes.filter((n) => n.opType !== 'Constant').length;
        rows.push({
          model: name, thresholdPct: round((threshold / peak) * 100, 1), quiltTasks: quiltPlan.tasks.length,
          operators, layerTasks: layerPlan.tasks.length, wholeMs: w, quiltChainMs: q, layerChainMs: layerMs,
          chainOverheadMs: q - w, 'chain/whole': q / w, 'layer/whole': layerMs / w,
          layerMsPerOp: (layerMs - w) / operators, layerMsPerTask: (layerMs - w) / layerPlan.tasks.length, layerInProcessMs: floorMs,
          lanesMsPerTask: (layerMs - floorMs) / layerPlan.tasks.length, layerLoadS: layerLoadMs / 1000,
        });
        goals.push(goal(`${name} chain/whole`, q / w, 1.02, ''));
        goals.push(goal(`${name} layer-level overhead per operator`, (layerMs - w) / operators, 0.15, 'ms'));
      } finally {
        await whole.dispose();
        await quilt.dispose();
        await (layer as LoadedChain).dispose();
      }
    }
    progress('chain: per-task overhead on empty models');
    const overhead = await measureTaskOverhead(backend, os.cpus().length, ctx.quick ? 100 : 300);
    notes.push(`per-task overhead (median us, one lane, on empty Identity models): ${overhead.rows.map((r) => `${r.what}: ${r.medianUs}`).join('; ')}`);
  } finally {
    await backend.close?.();
  }
  return {
    section: 'chain', title: 'Chain vs whole on the CPU (one lane, all cores)', quick: ctx.quick, measuredAt: new Date().toISOString(),
    rows, goals,
    notes: [
      ...notes,
      `backend: ${backend.device}; whole and quilt chain: median of ${runs} alternating runs after ${warmups} warm-ups; layer chain: median of ${layerRuns} after 1 warm-up`,
      'whole = the zoo .onnx file itself; quilt chain = task models at 50% of the peak (raised to the smallest feasible threshold, see thresholdPct)',
      'layer tasks: one per layer = an operator plus the activation that directly follows it (partition/layer.ts); operators = the model\'s non-Constant nodes',
      'layerMsPerOp = (layer chain - whole) / operators (the goal); layerMsPerTask = the same per layer task; layerInProcessMs = the same task models '
        + 'chained in this process (plain onnxruntime sessions: the floor of one layer per task); lanesMsPerTask = (layer chain - that floor) / layer tasks: what the lanes add',
      `process malloc settings: ${Object.keys(CPU_MALLOC_ENV).map((k) => `${k}=${process.env[k] ?? 'unset'}`).join(' ')} (runtime/cpu-process-env.ts)`,
    ],
  };
}
