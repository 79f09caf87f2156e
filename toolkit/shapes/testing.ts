/**
 * Helpers for the shape tests: small tensors for weights and constants, one-call resolution of a built
 * graph, and the onnxruntime cross-check that compares every intermediate's dims with a real run.
 */
import { Graph, TensorData, elementCount } from '../graph/graph';
import { DType } from '../core/dtype';
import { inferStatic, initializerKnowns } from './infer';
import { InputShapes, inputKnowns } from './inputs';
import { Known } from './known';
import { shapesFromOnnxRuntime } from './ort-fallback';
import { ResolvedGraph, resolveShapesStatic } from './resolve';

export function int64Tensor(values: readonly number[], dims: readonly number[] = [values.length]): TensorData {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { dtype: 'int64', dims, bytes };
}

export function floatTensor(dims: readonly number[], fill = 0.5): TensorData {
  const array = new Float32Array(elementCount(dims)).fill(fill);
  return { dtype: 'float32', dims, bytes: new Uint8Array(array.buffer) };
}

export function scalarTensor(dtype: DType, value: number): TensorData {
  if (dtype === 'int64') return int64Tensor([value], []);
  return { dtype: 'float32', dims: [], bytes: new Uint8Array(new Float32Array([value]).buffer) };
}

/** Static resolution of a built graph, for tests of single rules. */
export function staticShapes(graph: Graph, inputShapes?: InputShapes): ResolvedGraph {
  return resolveShapesStatic(graph, { inputShapes });
}

export function shapeOf(graph: ResolvedGraph, name: string): readonly number[] {
  const i = graph.valueByName.get(name);
  if (i === undefined) throw new Error(`no value '${name}'`);
  return graph.values[i].shape;
}

export function dtypeOf(graph: ResolvedGraph, name: string): DType {
  return graph.values[graph.valueByName.get(name) as number].dtype;
}

/** Statically known contents of a value (undefined when not folded). */
export function constantOf(graph: Graph, name: string, inputShapes?: InputShapes): readonly number[] | undefined {
  const seeds: Map<number, Known> = initializerKnowns(graph);
  for (const [i, k] of inputKnowns(graph, inputShapes)) seeds.set(i, k);
  return inferStatic(graph, seeds).values[graph.valueByName.get(name) as number]?.constant;
}

export interface Mismatch {
  readonly name: string;
  readonly ours: string;
  readonly onnxruntime: string;
}

/** Runs the graph on onnxruntime with every produced value exposed and lists where dtype or dims differ. */
export async function compareWithOnnxRuntime(resolved: ResolvedGraph, graph: Graph): Promise<{ checked: number; mismatches: Mismatch[] }> {
  const inputs = new Map(graph.inputs.map((i) => [i, { dtype: resolved.values[i].dtype, shape: resolved.values[i].shape } as Known]));
  const targets = graph.values.filter((v) => v.producer >= 0 && graph.nodes[v.producer].opType !== 'Constant').map((v) => v.index);
  const found = await shapesFromOnnxRuntime(graph, inputs, targets);
  const mismatches: Mismatch[] = [];
  for (const t of targets) {
    const ours = resolved.values[t];
    const theirs = found.get(t);
    const a = `${ours.dtype}[${ours.shape.join(',')}]`;
    const b = theirs === undefined ? 'missing' : `${theirs.dtype}[${theirs.shape.join(',')}]`;
    if (a !== b) mismatches.push({ name: ours.name, ours: a, onnxruntime: b });
  }
  return { checked: targets.length, mismatches };
}
