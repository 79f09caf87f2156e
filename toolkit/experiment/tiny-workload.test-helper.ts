/** Two tiny MLPs written to a temporary folder, as a closed-loop workload of 6 requests (for experiment tests). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';
import { parseWorkloadSpec, WorkloadSpec } from '../workload';
import { Workspace } from './workspace';

export function mlp(name: string, widths: readonly number[]): Uint8Array {
  const b = new GraphBuilder(name);
  let x = b.input('x', 'float32', [1, widths[0]]);
  for (let i = 0; i + 1 < widths.length; i++) {
    const data = new Float32Array(widths[i] * widths[i + 1]).map((_, k) => ((k % 7) - 3) / 50);
    const w = b.initializer(`w${i}`, { dtype: 'float32', dims: [widths[i], widths[i + 1]], bytes: new Uint8Array(data.buffer) });
    x = b.op('MatMul', [x, w], {}, `fc${i}`);
    if (i + 2 < widths.length) x = b.op('Relu', [x], {}, `relu${i}`);
  }
  b.output(x, 'float32', [1, widths[widths.length - 1]]);
  return writeModel(b.finish());
}

export function tinySpec(): WorkloadSpec {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quilt-run-test-'));
  fs.writeFileSync(path.join(dir, 'a.onnx'), mlp('a', [64, 256, 256, 16]));
  fs.writeFileSync(path.join(dir, 'b.onnx'), mlp('b', [32, 128, 512, 128, 8]));
  return parseWorkloadSpec({
    name: 'two-mlps', seed: 3, requests: 6, arrival: { process: 'closed', clients: 2 },
    models: [{ model: 'a.onnx' }, { model: 'b.onnx' }],
  }, { baseDir: dir });
}

export function tinyWorkspace(): Promise<Workspace> {
  return Workspace.open(tinySpec());
}

