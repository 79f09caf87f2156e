/**
 * `layer-level`: one task per operator and no pool: every intermediate goes to the host and back (the loop
 * counts those bytes both ways). Same FIFO-with-backfill admission as quilt.
 */
import { Policy } from '../policy';
import { FifoBackfillPolicy } from './fifo-backfill';

export function layerLevelPolicy(options: { maxBypass?: number } = {}): Policy {
  return new FifoBackfillPolicy({ name: 'layer-level', granularity: 'layer', defaultPool: false, ...options });
}
