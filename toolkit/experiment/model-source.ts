/**
 * Opening a model by reference: `zoo:<name>` (built once into the zoo's file cache, then read from it) or a
 * path to an .onnx file, loaded into a Graph and shaped for the given input shapes. The CLI, the notebooks
 * and the experiments all open models through `openModel`.
 */
import { loadModel } from '../onnx/load';
import { resolveShapes, ResolvedGraph } from '../shapes';
import { zooModelFile, zooModelInfo } from '../zoo';
import { parseModelRef } from '../zoo/model-ref';
import { QuiltError } from '../core/errors';

export interface ModelOptions {
  /** Batch size (zoo models). */
  readonly batch?: number;
  /** Sequence length (zoo transformers). */
  readonly seq?: number;
  /** Shapes of graph inputs by name (needed where a file has symbolic dimensions). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Values of graph inputs by name (one value fills the tensor), for shape inference and every run's feeds. */
  readonly inputValues?: Readonly<Record<string, readonly number[]>>;
}

export interface OpenedModel {
  /** Short name: the zoo name or the file's base name. */
  readonly name: string;
  /** The reference it was opened by. */
  readonly ref: string;
  /** The .onnx file the graph was read from. */
  readonly file: string;
  readonly graph: ResolvedGraph;
  /** The input values it was opened with (fed to every run in place of random values). */
  readonly inputValues: Readonly<Record<string, readonly number[]>>;
}

/** The file behind a reference (zoo/model-ref.ts; a zoo model is built into the cache when needed). */
export async function modelFile(ref: string, options: ModelOptions = {}): Promise<{ name: string; file: string }> {
  const parsed = parseModelRef(ref);
  if (parsed === undefined) throw new QuiltError(`model '${ref}' is neither zoo:<name> nor a path to an .onnx file`);
  if (parsed.kind === 'file') return { name: parsed.name, file: parsed.file };
  const name = zooModelInfo(parsed.name).name;
  return { name, file: await zooModelFile(name, { batch: options.batch, seq: options.seq }) };
}

export async function openModel(ref: string, options: ModelOptions = {}): Promise<OpenedModel> {
  const { name, file } = await modelFile(ref, options);
  const inputValues = options.inputValues ?? {};
  const graph = await resolveShapes(loadModel(file, { name }), { inputShapes: options.inputShapes, inputValues });
  return { name, ref, file, graph, inputValues };
}
