/**
 * Saving figures: a figure as HTML, plus PNG when headless Chromium is installed; and the two comparison
 * figures of an experiment (latency by policy, memory timeline against the budget).
 */
import * as path from 'node:path';
import { oneLine } from '../core/errors';
import { ExperimentResult } from '../experiment/run';
import { backendLabel } from '../runtime/backend';
import { ReproduceOutcome } from '../experiment/reproduce';
import { budgetSweep } from './budget-sweep';
import { Figure } from './figure';
import { writeHtml } from './html';
import { writeImage } from './image';
import { latencyByPolicy } from './latency-by-policy';
import { memoryTimeline } from './memory-timeline';


/** The backend a result ran on. */
const identity = (r: ExperimentResult) => ({ name: r.backend, simulated: r.simulated });

export interface SavedFiles {
  readonly files: string[];
  /** Why PNG figures were not written (no Chromium), if so. */
  readonly imageProblem?: string;
}

/** Writes <dir>/<name>.html and, when Chromium is there, <dir>/<name>.png. */
export function saveFigure(figure: Figure, dir: string, name: string): SavedFiles {
  const files = [path.join(dir, `${name}.html`)];
  writeHtml(figure, files[0]);
  try {
    const png = path.join(dir, `${name}.png`);
    const height = (figure.layout as { height?: number }).height ?? 520;
    writeImage(figure, png, { width: 1000, height });
    files.push(png);
    return { files };
  } catch (error) {
    return { files, imageProblem: oneLine(error) };
  }
}

export function saveComparisonFigures(result: ExperimentResult, dir: string, prefix: string): SavedFiles {
  const latency = saveFigure(latencyByPolicy(result.rows, {
    title: `Latency by policy: ${result.workload.name} workload, ${backendLabel(identity(result))}, budget ${(result.budgetBytes / 2 ** 20).toFixed(0)} MiB`,
  }), dir, `${prefix}-latency`);
  const timeline = saveFigure(memoryTimeline(result.timeline, {
    title: `Device memory over time against the budget (${backendLabel(identity(result))})`,
  }), dir, `${prefix}-memory`);
  return { files: [...latency.files, ...timeline.files], imageProblem: latency.imageProblem ?? timeline.imageProblem };
}

/** The figures of `quilt reproduce`: the main run's comparison, and the budget sweep when there was one. */
export function saveReproduceFigures(outcome: ReproduceOutcome, dir: string, prefix: string): SavedFiles {
  const { main, sweep } = outcome;
  const comparison = saveComparisonFigures(main, dir, prefix);
  if (sweep.length === 0) return comparison;
  const swept = saveFigure(budgetSweep(sweep, {
    title: `Latency against the memory budget: ${main.workload.name} workload, ${backendLabel(identity(main))}`,
  }), dir, `${prefix}-budget-sweep`);
  return { files: [...comparison.files, ...swept.files], imageProblem: comparison.imageProblem ?? swept.imageProblem };
}
