/**
 * Saving an experiment: requests, timeline and summary CSVs (each with its metadata JSON, atomically) and
 * the two comparison figures (latency by policy, memory timeline against the budget) as HTML, plus PNG when
 * headless Chromium is installed.
 */
import * as path from 'node:path';
import { writeResults } from './results-io';
import { ExperimentResult } from './run';
import { SummaryRow } from './schema';
import { latencyByPolicy, memoryTimeline, writeHtml, writeImage } from '../plot';
import { oneLine } from '../errors';

/** How a backend is named in figure titles: a simulated device says so. */
export function backendLabel(backend: string): string {
  return backend.startsWith('sim:') ? `${backend.slice(4)}, simulated` : backend;
}

/** Metadata that marks simulated results and names the device profile (empty for real runs). */
function simulatedMeta(backend: string): Record<string, unknown> {
  return backend.startsWith('sim:') ? { simulated: true, deviceProfile: backend.slice(4) } : { simulated: false };
}

export interface SavedFiles {
  readonly files: string[];
  /** Why PNG figures were not written (no Chromium), if so. */
  readonly imageProblem?: string;
}

/** `base` is a path without extension: writes <base>-requests.csv, -timeline.csv, -summary.csv. */
export function saveExperimentCsv(result: ExperimentResult, base: string, extra: Record<string, unknown> = {}): string[] {
  const context = {
    backend: result.backend,
    device: result.device,
    budgetBytes: result.budgetBytes,
    workload: result.workload.name,
    seed: result.workload.seed,
    extra: { ...simulatedMeta(result.backend), concurrency: result.concurrency, models: result.models, notRun: result.notRun, ...extra },
  };
  const files: string[] = [];
  for (const [suffix, rows] of [['requests', result.rows], ['timeline', result.timeline], ['summary', result.summaries]] as const) {
    const written = writeResults(`${base}-${suffix}.csv`, rows, context);
    files.push(written.csvPath, written.metaPath);
  }
  return files;
}

/** Writes summary rows (e.g. of a budget sweep) with the run's metadata. */
export function saveSummaryRows(rows: readonly SummaryRow[], like: ExperimentResult, csvPath: string): string[] {
  const written = writeResults(csvPath, rows, {
    backend: like.backend, device: like.device, workload: like.workload.name, seed: like.workload.seed,
    extra: { ...simulatedMeta(like.backend), concurrency: like.concurrency, models: like.models },
  });
  return [written.csvPath, written.metaPath];
}

/** Writes <dir>/<name>.html and, when Chromium is there, <dir>/<name>.png. */
export function saveFigure(figure: Parameters<typeof writeHtml>[0], dir: string, name: string): SavedFiles {
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
    title: `Latency by policy: ${result.workload.name} workload, ${backendLabel(result.backend)}, budget ${(result.budgetBytes / 2 ** 20).toFixed(0)} MiB`,
  }), dir, `${prefix}-latency`);
  const timeline = saveFigure(memoryTimeline(result.timeline, {
    title: `Device memory over time against the budget (${backendLabel(result.backend)})`,
  }), dir, `${prefix}-memory`);
  return { files: [...latency.files, ...timeline.files], imageProblem: latency.imageProblem ?? timeline.imageProblem };
}
