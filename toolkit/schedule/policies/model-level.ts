/**
 * `model-level`: one task = the whole model, so a request reserves its model's whole peak (weights + peak
 * activations) for its whole run. Same FIFO-with-backfill admission as quilt.
 */
import { Policy } from '../policy';
import { FifoBackfillPolicy } from './fifo-backfill';

export function modelLevelPolicy(options: { maxBypass?: number } = {}): Policy {
  return new FifoBackfillPolicy({ name: 'model-level', granularity: 'model', defaultPool: true, ...options });
}
