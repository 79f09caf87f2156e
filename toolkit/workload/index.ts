/** Workloads: specs, seeded arrivals and traces. */
export { ArrivalSpec, DEFAULT_KNOWN_MODELS, MixEntry, SpecOptions, WorkloadSpec, loadWorkloadSpec, parseWorkloadSpec } from './spec';
export { ArrivalOptions, Workload, WorkloadRequest, generateWorkload } from './arrivals';
export { TraceOptions, TraceRow, parseTrace, readTrace } from './trace';
export { Rng, createRng } from '../core/prng';
