/**
 * Section 1, zoo build: each of the seven zoo models at batch 1 (transformers seq 128) built from scratch
 * (buildZooModel, then writeModel to a temporary file; the zoo's file cache is not used). Goal: all under 60 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ZOO_MODELS, buildZooModel } from '../zoo';
import { writeModel } from '../onnx/write';
import { BenchContext, Row, SectionResult, goal, mib, nowMs, progress } from './report';

export async function benchZoo(ctx: BenchContext): Promise<SectionResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quilt-bench-zoo-'));
  const rows: Row[] = [];
  let total = 0;
  try {
    for (const m of ZOO_MODELS) {
      progress(`zoo: building ${m.name}`);
      const t0 = nowMs();
      const graph = buildZooModel(m.name, { batch: 1, seq: 128 });
      const t1 = nowMs();
      const bytes = writeModel(graph);
      writeFileSync(path.join(dir, `${m.name}.onnx`), bytes);
      const t2 = nowMs();
      total += t2 - t0;
      rows.push({ model: m.name, nodes: graph.nodes.length, fileMiB: mib(bytes.length), buildMs: t1 - t0, writeMs: t2 - t1, totalMs: t2 - t0 });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push({ model: 'all seven', nodes: null, fileMiB: null, buildMs: null, writeMs: null, totalMs: total });
  return {
    section: 'zoo', title: 'Zoo build (batch 1, seq 128, from scratch)', quick: ctx.quick, measuredAt: new Date().toISOString(),
    rows, goals: [goal('zoo build, all seven models', total / 1000, 60, ' s')], notes: [],
  };
}
