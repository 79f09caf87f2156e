/**
 * Section "memory truth": every zoo model, whole and cut at 50% of its demand (raised to the smallest feasible
 * threshold where 50% is below it), at batch 1 and 8, and the convolutional models at 1024x1024 (batch 1): each
 * task's predicted demand (cpu runtime model) beside what its session really used, measured alone in a fresh
 * process (`quilt memory`). Goal: |relError| <= 10% for every task. --quick: batch 1 only, no high resolution.
 */
import { measurePlanMemory } from '../experiment/measure-memory';
import { partitionModel } from '../experiment/partition';
import { openModel } from '../experiment/model-source';
import { calibratedCpuRuntimeMemory } from '../runtime/cpu-memory-model';
import { ZOO_MODELS } from '../zoo';
import { BenchContext, Row, SectionResult, goal, mib, progress, round } from './report';

interface Case {
  readonly model: string;
  readonly batch: number;
  readonly inputShapes?: Record<string, number[]>;
  readonly label: string;
}

const HIGH_RES = ['resnet50', 'mobilenetv2', 'densenet121', 'inceptionv3'];

function cases(quick: boolean): Case[] {
  const list: Case[] = [];
  for (const batch of quick ? [1] : [1, 8]) for (const m of ZOO_MODELS) list.push({ model: m.name, batch, label: `b${batch}` });
  if (!quick) for (const m of HIGH_RES) list.push({ model: m, batch: 1, inputShapes: { input: [1, 3, 1024, 1024] }, label: '1024x1024' });
  return list;
}

export async function benchMemory(ctx: BenchContext): Promise<SectionResult> {
  const runtime = await calibratedCpuRuntimeMemory();
  const rows: Row[] = [];
  let worst = 0;
  const misses = new Set<string>();
  for (const c of cases(ctx.quick)) {
    const model = await openModel(`zoo:${c.model}`, { batch: c.batch, seq: 128, inputShapes: c.inputShapes });
    const whole = partitionModel(model, { granularity: 'model', runtime });
    const threshold = Math.max(Math.floor(whole.tasks[0].demandBytes / 2), whole.minFeasibleThreshold);
    const half = partitionModel(model, { granularity: 'quilt', threshold, runtime });
    for (const [cut, plan] of [['whole', whole], ['50%', half]] as const) {
      progress(`memory: ${c.model} ${c.label} ${cut} (${plan.tasks.length} task(s))`);
      const truth = await measurePlanMemory(plan);
      for (const t of truth.tasks) {
        const task = plan.tasks[t.index];
        rows.push({
          model: c.model, input: c.label, cut, task: t.index, weightsMiB: mib(task.weightBytes), runtimeMiB: mib(task.runtimeBytes ?? 0),
          activationsMiB: mib(task.peakActivationBytes), predictedMiB: mib(t.predictedBytes), measuredMiB: mib(t.measuredBytes),
          relError: round(t.relError, 3), withinGoal: Math.abs(t.relError) <= 0.1,
        });
        if (Math.abs(t.relError) > 0.1) misses.add(`${c.model} ${c.label}`);
        worst = Math.max(worst, Math.abs(t.relError));
      }
    }
  }
  return {
    section: 'memory', title: 'Memory truth: predicted demand against the measured session (cpu backend)', quick: ctx.quick,
    measuredAt: new Date().toISOString(), rows, goals: [goal('largest |relError| over every task', worst, 0.1, '')],
    notes: [
      `runtime model: ${runtime.name}, session ${runtime.sessionBytes} B (calibrated)`,
      'measured = VmHWM of a fresh process running the task once, less its level before the session, less the outputs\' JavaScript copies',
      `cases over 10%: ${[...misses].join(', ') || 'none'}`,
    ],
  };
}
