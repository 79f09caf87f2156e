/**
 * `layer-level`: one task per layer (an operator and the activation that directly follows it, partition/layer.ts)
 * and no pool: every intermediate goes to the host and back (the loop counts those bytes both ways). Same
 * FIFO-with-backfill admission as quilt.
 */
import { Policy } from '../policy';
import { FifoBackfillPolicy } from './fifo-backfill';

export function layerLevelPolicy(options: { maxBypass?: number } = {}): Policy {
  return new FifoBackfillPolicy({ name: 'layer-level', granularity: 'layer', defaultPool: false, ...options });
}
