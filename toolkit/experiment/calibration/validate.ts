/**
 * `quilt sim validate`: the same workload run for real on the cpu backend and in simulation on a profile measured
 * on this machine, policy by policy; relative errors of the mean and p95 latency, (sim - real) / real.
 * Policies that could not run (triton-style below the sum of the peaks) are left out of the errors and listed.
 * Both runs share one workspace, opened with the real backend's runtime memory terms (on cpu, what onnxruntime
 * itself holds per session): the same plans, demands and budget, so the two runs differ in timing only.
 */
import { Backend } from '../../runtime/backend';
import { POLICY_NAMES } from '../../schedule/policies';
import { WorkloadSpec } from '../../workload';
import { ExperimentResult, runWorkload, RunProgress, Workspace } from '../run';

export interface PolicyValidation {
  readonly realMeanMs: number;
  readonly simMeanMs: number;
  readonly meanRelError: number;
  readonly realP95Ms: number;
  readonly simP95Ms: number;
  readonly p95RelError: number;
}

export interface Validation {
  readonly workload: string | WorkloadSpec;
  readonly budgetBytes: number;
  readonly real: string;
  readonly sim: string;
  readonly policies: Record<string, PolicyValidation>;
  readonly maxMeanRelError: number;
  readonly maxP95RelError: number;
  readonly notRun: readonly { policy: string; reason: string }[];
}

export interface ValidateOptions {
  readonly workload: string | WorkloadSpec;
  readonly budget: string | number;
  readonly real: Backend;
  /** A simulated backend (its `simulated` field set). */
  readonly sim: Backend;
  readonly policies?: readonly string[];
  readonly requests?: number;
  readonly onProgress?: (stage: string, p: RunProgress) => void;
}

/** Relative error of a simulated figure against the real one. */
export function relError(sim: number, real: number): number {
  return real === 0 ? (sim === 0 ? 0 : Infinity) : (sim - real) / real;
}

/** Compares two runs of the same workload policy by policy. */
export function compareRuns(real: ExperimentResult, sim: ExperimentResult): Omit<Validation, 'workload' | 'budgetBytes' | 'real' | 'sim'> {
  const simBy = new Map(sim.summaries.map((s) => [s.policy, s]));
  const policies: Record<string, PolicyValidation> = {};
  let maxMean = 0;
  let maxP95 = 0;
  for (const r of real.summaries) {
    const s = simBy.get(r.policy);
    if (s === undefined) continue;
    const v = {
      realMeanMs: r.meanLatencyMs, simMeanMs: s.meanLatencyMs, meanRelError: relError(s.meanLatencyMs, r.meanLatencyMs),
      realP95Ms: r.p95LatencyMs, simP95Ms: s.p95LatencyMs, p95RelError: relError(s.p95LatencyMs, r.p95LatencyMs),
    };
    policies[r.policy] = v;
    maxMean = Math.max(maxMean, Math.abs(v.meanRelError));
    maxP95 = Math.max(maxP95, Math.abs(v.p95RelError));
  }
  const notRun = [...real.notRun, ...sim.notRun.filter((n) => !real.notRun.some((m) => m.policy === n.policy))];
  return { policies, maxMeanRelError: maxMean, maxP95RelError: maxP95, notRun };
}

export async function validateSim(options: ValidateOptions): Promise<Validation> {
  const policies = options.policies ?? POLICY_NAMES;
  // The real backend's runtime memory (Backend.runtimeMemory) is the workspace's default, so the simulated run, whose
  // backend has none, uses the very plans the real one does.
  const runtime = await options.real.runtimeMemory?.();
  const workspace = await Workspace.open(options.workload, { runtime });
  const common = { workspace, budget: options.budget, policies, requests: options.requests };
  const real = await runWorkload({ ...common, backend: options.real, onProgress: (p) => options.onProgress?.('real', p) });
  const sim = await runWorkload({ ...common, backend: options.sim, concurrency: real.concurrency, onProgress: (p) => options.onProgress?.('sim', p) });
  return {
    workload: real.workload.name, budgetBytes: real.budgetBytes, real: real.device, sim: sim.device,
    ...compareRuns(real, sim),
  };
}
