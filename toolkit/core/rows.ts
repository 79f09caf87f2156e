/**
 * The rows every run produces; their field names are the CSV columns and the dataframe columns, so the
 * notebooks, the CLI, the plots and the result files agree. Times are milliseconds since the run started.
 */
export type RequestStatus = 'ok' | 'oom' | 'error';

export interface RequestRow {
  requestId: number;
  model: string;
  policy: string;
  backend: string;
  budgetBytes: number;
  arrivalMs: number;
  startMs: number;
  endMs: number;
  /** endMs - arrivalMs */
  latencyMs: number;
  /** startMs - arrivalMs */
  queueingMs: number;
  /** Time the request's tasks were executing (sum of task run times). */
  executionMs: number;
  /** Host<->device bytes moved for this request (inputs, outputs, cut tensors through the host, weight uploads). */
  transferBytes: number;
  tasks: number;
  status: RequestStatus;
  /** Empty when ok. */
  error: string;
}

/** One sample of the device ledger, taken whenever it changes. */
export interface TimelineRow {
  policy: string;
  timeMs: number;
  weightBytes: number;
  activationBytes: number;
  poolBytes: number;
  totalBytes: number;
  budgetBytes: number;
  /** Request id that went out of memory at this instant, or -1. */
  oomRequestId: number;
}

export interface SummaryRow {
  policy: string;
  backend: string;
  budgetBytes: number;
  requests: number;
  completed: number;
  failed: number;
  oom: number;
  meanLatencyMs: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  p99LatencyMs: number;
  makespanMs: number;
  throughputRps: number;
  peakResidentBytes: number;
  transferBytes: number;
}
