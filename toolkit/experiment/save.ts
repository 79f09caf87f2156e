/**
 * Saving an experiment's rows: requests, timeline and summary CSVs, each with its metadata JSON, atomically.
 * (Figures are saved by plot/save.ts.)
 */
import { writeResults } from './results-io';
import { ExperimentResult } from './run';
import { SummaryRow } from '../core/rows';

/** Metadata that marks simulated results and names the device profile. */
export function simulatedMetaOf(simulated: { readonly profile: string } | undefined): Record<string, unknown> {
  return simulated ? { simulated: true, deviceProfile: simulated.profile } : { simulated: false };
}

function simulatedMeta(result: ExperimentResult): Record<string, unknown> {
  return simulatedMetaOf(result.simulated);
}

/** `base` is a path without extension: writes <base>-requests.csv, -timeline.csv, -summary.csv. */
export function saveExperimentCsv(result: ExperimentResult, base: string, extra: Record<string, unknown> = {}): string[] {
  const context = {
    backend: result.backend,
    device: result.device,
    budgetBytes: result.budgetBytes,
    workload: result.workload.name,
    seed: result.workload.seed,
    extra: { ...simulatedMeta(result), warm: result.warm === true, prefetch: result.prefetch === true, threshold: result.threshold ?? null,
      concurrency: result.concurrency, models: result.models, notRun: result.notRun, ...extra },
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
    extra: { ...simulatedMeta(like), warm: like.warm === true, prefetch: like.prefetch === true, concurrency: like.concurrency, models: like.models },
  });
  return [written.csvPath, written.metaPath];
}
