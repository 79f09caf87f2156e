/**
 * The calibration tests' model: three 512x512 MatMul+Relu layers over `rows` rows, milliseconds per run (not tens of
 * microseconds), so that a shared machine's scheduling noise and a run's fixed costs stay small beside its compute.
 */
import { GraphBuilder } from '../../graph/builder';
import { writeModel } from '../../onnx/write';

export function calibrationMlp(rows: number): Uint8Array {
  const b = new GraphBuilder('mlp');
  let x = b.input('x', 'float32', [rows, 512]);
  for (let i = 0; i < 3; i++) {
    const w = Float32Array.from({ length: 512 * 512 }, (_, j) => Math.sin(j + i) / 32);
    b.initializer(`w${i}`, { dtype: 'float32', dims: [512, 512], bytes: new Uint8Array(w.buffer) });
    x = b.op('Relu', [b.op('MatMul', [x, `w${i}`], {}, `mm${i}`)], {}, `relu${i}`);
  }
  b.output(x, 'float32', [rows, 512]);
  return writeModel(b.finish());
}
