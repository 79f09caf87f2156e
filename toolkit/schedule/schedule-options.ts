/**
 * What a schedule run takes and gives (scheduler.ts runs it), and the checks made before anything runs:
 * every request's model is deployed, the concurrency is a positive integer, and the budget holds what one request
 * needs (budget.ts's rule: BudgetTooSmallError otherwise).
 */
import { QuiltError } from '../core/errors';
import { RequestRow, SummaryRow, TimelineRow } from '../core/rows';
import { Backend, TensorHandle } from '../runtime/backend';
import { Clock } from '../core/clock';
import { budgetNeed, checkBudget } from './budget';
import { Deployment } from './deployment';
import { Policy } from './policy';
import { RequestWaits } from './request-waits';

export type Feeds = Record<string, TensorHandle>;

export interface ScheduledRequest {
  readonly id: number;
  /** Name of the deployment that serves it. */
  readonly model: string;
  /** Ms since the run's start (ignored in a closed loop, where arrivals follow completions). */
  readonly arrivalMs: number;
  /** Makes the request's input feeds, by the model's input names. */
  readonly makeInputs: () => Feeds | Promise<Feeds>;
}

/** Closed loop: `clients` clients each send their next request `thinkMs` after their previous one ended. */
export interface ClosedLoop {
  readonly clients: number;
  readonly thinkMs: number;
}

export interface ScheduleOptions {
  /** The requests, in id order for a closed loop. */
  readonly requests: readonly ScheduledRequest[];
  /** Deployments by model name, at the policy's granularity. */
  readonly deployments: ReadonlyMap<string, Deployment>;
  readonly backend: Backend;
  readonly clock: Clock;
  /** A fresh policy (policies keep per-run state). */
  readonly policy: Policy;
  readonly budgetBytes: number;
  /** How many tasks may run at once. */
  readonly concurrency: number;
  /** Keep cut tensors in a device pool (default: the policy's default). */
  readonly pool?: boolean;
  readonly closedLoop?: ClosedLoop;
  /** Called as each request ends (for progress bars). */
  readonly onRequestEnd?: (row: RequestRow) => void;
  /**
   * Upload a running request's next task's weights while its current task computes, where the ledger has room
   * (prefetch.ts). Default false.
   */
  readonly prefetch?: boolean;
}

export interface ScheduleResult {
  /** One row per request, by request id. */
  readonly rows: RequestRow[];
  readonly timeline: TimelineRow[];
  readonly summary: SummaryRow;
  /** Where each request's time went (request-waits.ts), by request id. */
  readonly waits: RequestWaits[];
}

/** Throws QuiltError when the run cannot work: unknown models, bad concurrency, a budget too small. */
export function checkScheduleInputs(options: ScheduleOptions): void {
  const { requests, deployments, budgetBytes, concurrency } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new QuiltError(`concurrency: ${concurrency} is not a positive integer`);
  }
  if (!Number.isFinite(budgetBytes) || budgetBytes <= 0) {
    throw new QuiltError(`budget: ${budgetBytes} is not a positive byte count`);
  }
  const pool = options.pool ?? options.policy.defaultPool;
  const seen = new Set<number>();
  const used = new Set<string>();
  for (const r of requests) {
    if (seen.has(r.id)) throw new QuiltError(`request ${r.id}: the id is used twice`);
    seen.add(r.id);
    const d = deployments.get(r.model);
    if (d === undefined) {
      throw new QuiltError(
        `request ${r.id}: model '${r.model}' is not deployed (deployed: ${[...deployments.keys()].join(', ')})`,
      );
    }
    if (d.tasks.length === 0) throw new QuiltError(`model '${r.model}': its deployment has no tasks`);
    used.add(r.model);
  }
  const need = budgetNeed([...used].map((name) => {
    const d = deployments.get(name) as Deployment;
    return { model: name, taskDemands: d.tasks.map((t) => t.demandBytes), poolBytes: d.poolBytes };
  }), pool);
  checkBudget(need, budgetBytes, options.policy.name);
}
