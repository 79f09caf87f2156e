/**
 * One worker thread of `regimeSweepInWorkers`: runs `regimeSweep` over its share of the seeds with backends it opens
 * itself (`openForHostMemory`), posts `{kind: 'step'}` after each run and `{kind: 'done', result}` (or
 * `{kind: 'error', message}`) at the end. Nothing is shared with the parent but these messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { oneLine } from '../core/errors';
import { openForHostMemory } from './host-memory';
import { regimeSweep } from './regime-sweep';
import { WorkerJob } from './regime-sweep-parallel';

const job = workerData as WorkerJob;
regimeSweep({ ...job, openBackend: (kind) => openForHostMemory(job.backendChoice, kind), onStep: () => parentPort?.postMessage({ kind: 'step' }) })
  .then((result) => parentPort?.postMessage({ kind: 'done', result }))
  .catch((error: unknown) => parentPort?.postMessage({ kind: 'error', message: oneLine(error) }));
