/** `quilt`: task-level, peak-memory-aware admission across models, cut tensors kept in the request's pool. */
import { Policy } from '../policy';
import { FifoBackfillPolicy } from './fifo-backfill';

export function quiltPolicy(options: { maxBypass?: number } = {}): Policy {
  return new FifoBackfillPolicy({ name: 'quilt', granularity: 'quilt', defaultPool: true, ...options });
}
