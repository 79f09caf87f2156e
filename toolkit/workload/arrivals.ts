/**
 * From a workload spec to its requests: which model each request is for and when it arrives.
 *  - poisson: exponential gaps with mean 1000 / rateRps ms (inverse-CDF sampling), models drawn by share;
 *  - closed: models drawn by share; arrival times are decided by the scheduler (`closedLoop`: the first
 *    `clients` requests at 0, then one when a request ends, `thinkMs` later), so `arrivalMs` is 0 here;
 *  - trace: the trace's rows in time order (the first `requests` of them when the spec says how many).
 * Invariant: one seeded generator drives every draw, in request order, so the same spec gives the same list.
 */
import { QuiltError } from '../core/errors';
import { createRng } from '../core/prng';
import { MixEntry, WorkloadSpec } from './spec';
import { readTrace, TraceRow } from './trace';

export interface WorkloadRequest {
  readonly id: number;
  /** The mix entry's name. */
  readonly model: string;
  readonly arrivalMs: number;
}

export interface Workload {
  readonly spec: WorkloadSpec;
  readonly requests: readonly WorkloadRequest[];
  /** Set for a closed loop: pass it to the scheduler. */
  readonly closedLoop?: { readonly clients: number; readonly thinkMs: number };
}

export interface ArrivalOptions {
  /** Trace rows to use instead of reading `spec.arrival.path` (for tests and callers that loaded it). */
  readonly trace?: readonly TraceRow[];
}

export function generateWorkload(spec: WorkloadSpec, options: ArrivalOptions = {}): Workload {
  const rng = createRng(spec.seed);
  const shares = spec.models.map((m) => m.share);
  const drawModel = (): MixEntry => spec.models[rng.pick(shares)];
  const arrival = spec.arrival;
  switch (arrival.process) {
    case 'poisson': {
      const count = spec.requests ?? 0;
      const meanGapMs = 1000 / arrival.rateRps;
      const requests: WorkloadRequest[] = [];
      let t = 0;
      for (let id = 0; id < count; id++) {
        if (id > 0) t += -Math.log(1 - rng.next()) * meanGapMs;
        requests.push({ id, model: drawModel().name, arrivalMs: t });
      }
      return { spec, requests };
    }
    case 'closed': {
      const count = spec.requests ?? 0;
      const requests = Array.from({ length: count }, (_, id) => ({ id, model: drawModel().name, arrivalMs: 0 }));
      return { spec, requests, closedLoop: { clients: arrival.clients, thinkMs: arrival.thinkMs } };
    }
    case 'trace': {
      const names = spec.models.map((m) => m.name);
      const rows = options.trace ?? readTrace(arrival.path, { models: names });
      for (const row of rows) {
        if (!names.includes(row.model)) {
          throw new QuiltError(`trace: model '${row.model}' is not in the workload's mix (${names.join(', ')})`);
        }
      }
      const used = spec.requests === undefined ? rows : rows.slice(0, spec.requests);
      if (spec.requests !== undefined && rows.length < spec.requests) {
        throw new QuiltError(`${arrival.path}: ${rows.length} rows, but the workload asks for ${spec.requests} requests`);
      }
      return { spec, requests: used.map((r, id) => ({ id, model: r.model, arrivalMs: r.arrivalMs })) };
    }
  }
}
