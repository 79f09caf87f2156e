/** Tiny hand-built graphs and profiles for the sim tests (known FLOPs and bytes). */
import { GraphBuilder } from '../graph/builder';
import { Graph, TensorData, elementCount } from '../graph/graph';
import { DeviceProfile, Sourced } from './profile';

export function floats(dims: number[]): TensorData {
  const n = elementCount(dims);
  return { dtype: 'float32', dims, bytes: new Uint8Array(n * 4) };
}

/**
 * x [1,2,4,4] -> Conv (w [3,2,3,3], pads 1) [1,3,4,4] -> Relu -> Reshape [1,48] -> MatMul (m [48,5]) [1,5].
 * Conv: 2 x 48 outputs x 18 = 1728 FLOPs, bytes 128 + 216 + 192 = 536; Relu: 48 FLOPs, 384 bytes;
 * Reshape: nothing; MatMul: 2 x 5 x 48 = 480 FLOPs, bytes 192 + 960 + 20 = 1172.
 */
export function tinyNet(name = 'tiny'): Graph {
  const b = new GraphBuilder(name);
  b.input('x', 'float32', [1, 2, 4, 4]);
  b.initializer('w', floats([3, 2, 3, 3]));
  b.initializer('m', floats([48, 5]));
  b.initializer('shape', { dtype: 'int64', dims: [2], bytes: new Uint8Array(new BigInt64Array([1n, 48n]).buffer) });
  const c = b.op('Conv', ['x', 'w'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, 'conv');
  const r = b.op('Relu', [c], {}, 'relu');
  const f = b.op('Reshape', [r, 'shape'], {}, 'reshape');
  b.output(b.op('MatMul', [f, 'm'], {}, 'matmul'));
  return b.finish();
}

const s = (value: number): Sourced => ({ value, source: 'test' });

/** A device with round numbers: 1 TFLOP/s, 1 TB/s, 0.01 ms per kernel, 0.1 ms per run, 1 GB/s links. */
export function testProfile(overrides: Partial<DeviceProfile> = {}): DeviceProfile {
  return {
    name: 'test', title: 'test device', regime: 'test', hasDeviceMemory: true, concurrency: s(4),
    peakFlopsPerS: { float32: s(1e12) }, memoryBytesPerS: s(1e12), kernelLaunchMs: s(0.01), runOverheadMs: s(0.1),
    taskShare: s(0.5), interference: s(0),
    h2d: { bytesPerS: s(1e9), latencyMs: s(0) }, d2h: { bytesPerS: s(1e9), latencyMs: s(0) },
    modelFactors: {}, notes: [],
    ...overrides,
  };
}
