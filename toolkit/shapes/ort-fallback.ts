/**
 * The onnxruntime fallback: shapes that static inference cannot find are read off one real run.
 * Stages: (1) rewrite the graph so that the target values are extra graph outputs, the inputs carry their
 * concrete shapes, and no stale shape from the file contradicts them (every other value keeps only its
 * dtype); (2) write it with writeModel and run it once on the CPU provider with filled inputs (floats and
 * bools one, integers zero: zero is a valid index for any Gather); (3) read each target's dims and type.
 * Data-dependent shapes (NonZero, TopK with a computed k) are therefore those of this one run.
 */
import * as ort from 'onnxruntime-node';
import { Graph, Value, elementCount } from '../graph/graph';
import { DType } from '../core/dtype';
import { QuiltError, oneLine } from '../core/errors';
import { writeModel } from '../onnx/write';
import { Known, known } from './known';
import { ShapeFallback } from './resolve';

const DTYPES: ReadonlySet<string> = new Set<DType>([
  'float32', 'float16', 'bfloat16', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32',
  'int64', 'uint64', 'bool', 'string',
]);

/** A tensor of the given type and shape filled with the fallback's filler values. */
export function filledTensor(dtype: DType, shape: readonly number[]): ort.Tensor {
  const n = elementCount(shape);
  const dims = [...shape];
  switch (dtype) {
    case 'float32': return new ort.Tensor('float32', new Float32Array(n).fill(1), dims);
    case 'float64': return new ort.Tensor('float64', new Float64Array(n).fill(1), dims);
    case 'float16': return new ort.Tensor('float16', new Uint16Array(n).fill(0x3c00), dims);
    case 'bool': return new ort.Tensor('bool', new Uint8Array(n).fill(1), dims);
    case 'int8': return new ort.Tensor('int8', new Int8Array(n), dims);
    case 'uint8': return new ort.Tensor('uint8', new Uint8Array(n), dims);
    case 'int16': return new ort.Tensor('int16', new Int16Array(n), dims);
    case 'uint16': return new ort.Tensor('uint16', new Uint16Array(n), dims);
    case 'int32': return new ort.Tensor('int32', new Int32Array(n), dims);
    case 'uint32': return new ort.Tensor('uint32', new Uint32Array(n), dims);
    case 'int64': return new ort.Tensor('int64', new BigInt64Array(n), dims);
    case 'uint64': return new ort.Tensor('uint64', new BigUint64Array(n), dims);
    case 'string': return new ort.Tensor('string', new Array<string>(n).fill(''), dims);
    default: throw new QuiltError(`cannot make an input tensor of type ${dtype}`);
  }
}

/** The graph with `targets` as extra outputs and every value's shape either proven or absent. */
export function exposeValues(graph: Graph, proven: ReadonlyMap<number, Known>, targets: readonly number[]): Graph {
  const outputs = [...graph.outputs];
  const listed = new Set(outputs);
  for (const t of targets) if (!listed.has(t)) { outputs.push(t); listed.add(t); }
  const values: Value[] = graph.values.map((v) => {
    const k = proven.get(v.index);
    const kind = listed.has(v.index) ? 'output' : v.kind === 'output' ? 'activation' : v.kind;
    return { ...v, kind, dtype: k?.dtype ?? v.dtype, shape: k?.shape };
  });
  return { ...graph, values, outputs };
}

/** Runs `graph` once on onnxruntime's CPU provider and returns what it reports about `targets`. */
export async function shapesFromOnnxRuntime(
  graph: Graph, inputs: ReadonlyMap<number, Known>, targets: readonly number[],
): Promise<Map<number, Known>> {
  const exposed = exposeValues(graph, inputs, targets);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [index, k] of inputs) feeds[graph.values[index].name] = filledTensor(k.dtype, k.shape);
  let session: ort.InferenceSession | undefined;
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    session = await ort.InferenceSession.create(writeModel(exposed), {
      executionProviders: ['cpu'], graphOptimizationLevel: 'disabled', logSeverityLevel: 3,
    });
    results = await session.run(feeds, targets.map((t) => graph.values[t].name));
  } catch (error) {
    throw new QuiltError(`graph '${graph.name}': the onnxruntime shape fallback failed: ${oneLine(error)}`);
  } finally {
    await session?.release();
  }
  const found = new Map<number, Known>();
  for (const t of targets) {
    const tensor = results[graph.values[t].name] as ort.Tensor | undefined;
    if (tensor === undefined || !DTYPES.has(tensor.type)) continue;
    found.set(t, known(tensor.type as DType, tensor.dims.map(Number)));
  }
  return found;
}

export const ortFallback: ShapeFallback = shapesFromOnnxRuntime;
