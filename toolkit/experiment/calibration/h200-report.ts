/**
 * `quilt sim anchors`'s h200 part: the measured rows (h200-anchors.ts) for sim:h200 and sim:h200-graph, the
 * simulator's predictions for what the run kept back (K concurrent replicas; batch 8), and on request the fit redone
 * with its leave-one-out errors. The same rows feed the table, the JSON and notebook 07.
 */
import { loadProfile } from '../../sim/profile';
import { factsOfSpec } from '../../sim/task-cost';
import { buildSimTasks, simTaskOf } from '../../sim/task-model';
import { fileOrder } from '../../graph/order';
import { propose } from '../../partition/propose';
import { AnchorRow, fitH200, forwardMs, H200Fit, h200Anchors, loadH200Measurements, modelFacts, ModelFacts, replicaSpeedup } from './h200-anchors';
import { openModel } from '../model-source';

export interface Prediction {
  readonly profile: string;
  readonly quantity: string;
  readonly item: string;
  readonly value: number;
  readonly unit: string;
}

export interface H200Report {
  readonly simulated: true;
  readonly rows: AnchorRow[];
  readonly predictions: Prediction[];
  readonly fit?: H200Fit;
}

async function batchForwardMs(name: string, batch: number, profile: Parameters<typeof forwardMs>[1]): Promise<number> {
  const model = await openModel(`zoo:${name}`, { batch });
  const spec = simTaskOf(buildSimTasks(propose(model.graph, fileOrder(model.graph), { granularity: 'model' }))[0]);
  return forwardMs(factsOfSpec(spec), profile);
}

export async function h200Report(repoRoot: string, options: { fit?: boolean } = {}): Promise<H200Report> {
  const m = loadH200Measurements(repoRoot);
  const eager = loadProfile('h200', repoRoot).profile;
  const graph = loadProfile('h200-graph', repoRoot).profile;
  const facts: Record<string, ModelFacts> = {};
  for (const r of m.models) facts[r.model] = await modelFacts(r.model);
  const rows = h200Anchors(m, facts, eager, graph);
  const predictions: Prediction[] = [];
  for (const profile of [eager, graph]) {
    for (const k of [2, 4, 8]) {
      predictions.push({ profile: profile.name, quantity: `throughput of ${k} closed-loop clients over 1`, item: 'resnet50', value: replicaSpeedup(facts.resnet50.facts, profile, k), unit: 'ratio' });
    }
    predictions.push({ profile: profile.name, quantity: 'request alone, batch 8', item: 'resnet50', value: await batchForwardMs('resnet50', 8, profile), unit: 'ms' });
    const gpt2 = await modelFacts('gpt2');
    predictions.push({ profile: profile.name, quantity: 'request alone, batch 1 (no factor: global terms)', item: 'gpt2', value: forwardMs(gpt2.facts, profile), unit: 'ms' });
  }
  return { simulated: true, rows, predictions, ...(options.fit ? { fit: fitH200(m, facts, eager) } : {}) };
}
