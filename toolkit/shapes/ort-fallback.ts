/**
 * The onnxruntime fallback: shapes that static inference cannot find are read off real runs.
 * `runWave` runs one wave (fallback-wave.ts: the frontier nodes and the cones that give their small inputs
 * true contents) as a small model; `shapesFromOnnxRuntime` runs the whole graph once (the tests' cross-check).
 * Stages of a question: (1) a model whose outputs are the values asked for, whose inputs carry their concrete
 * shapes, and where no stale shape from the file contradicts them (every other value keeps only its dtype);
 * (2) a session for it: onnxruntime's load-time shape inference often gives every output a concrete shape,
 * and then nothing runs (no inputs are even made); (3) otherwise one run on the CPU provider, fed with what is
 * known (given input values, known contents) and else filler values (floats and bools one, integers zero:
 * zero is a valid index for any Gather); each output's dims and type, and its contents when small and
 * computed from true inputs only (a run is also made for those contents when they are int64 shape data).
 * Data-dependent shapes (NonZero, TopK with a computed k) are therefore those of this run.
 */
import * as ort from 'onnxruntime-node';
import { Graph, Value, elementCount } from '../graph/graph';
import { DType } from '../core/dtype';
import { QuiltError, oneLine } from '../core/errors';
import { writeModel } from '../onnx/write';
import { ortSessionLogOptions } from '../onnx/ort-log';
import { extractSubgraph } from '../graph/subgraph';
import { branchInputsWithoutValue } from '../graph/branch-inputs';
import { hasControlFlow, withSymbolicDims } from '../graph/symbolic-dims';
import { FallbackWave } from './fallback-wave';
import { expandValues } from './inputs';
import { Known, isSmall, known } from './known';

const DTYPES: ReadonlySet<string> = new Set<DType>([
  'float32', 'float16', 'bfloat16', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32',
  'int64', 'uint64', 'bool', 'string',
]);

/** A tensor holding `values` (row-major numbers; one value fills it), or the fallback's filler values. */
export function filledTensor(dtype: DType, shape: readonly number[], values?: readonly number[]): ort.Tensor {
  const n = elementCount(shape);
  const dims = [...shape];
  if (values !== undefined) return valuesTensor(dtype, dims, expandValues(values, n));
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

function valuesTensor(dtype: DType, dims: number[], v: readonly number[]): ort.Tensor {
  switch (dtype) {
    case 'float32': return new ort.Tensor('float32', Float32Array.from(v), dims);
    case 'float64': return new ort.Tensor('float64', Float64Array.from(v), dims);
    case 'bool': return new ort.Tensor('bool', Uint8Array.from(v), dims);
    case 'int8': return new ort.Tensor('int8', Int8Array.from(v), dims);
    case 'uint8': return new ort.Tensor('uint8', Uint8Array.from(v), dims);
    case 'int16': return new ort.Tensor('int16', Int16Array.from(v), dims);
    case 'uint16': return new ort.Tensor('uint16', Uint16Array.from(v), dims);
    case 'int32': return new ort.Tensor('int32', Int32Array.from(v), dims);
    case 'uint32': return new ort.Tensor('uint32', Uint32Array.from(v), dims);
    case 'int64': return new ort.Tensor('int64', BigInt64Array.from(v, (x) => BigInt(x)), dims);
    case 'uint64': return new ort.Tensor('uint64', BigUint64Array.from(v, (x) => BigInt(x)), dims);
    default: throw new QuiltError(`cannot make an input tensor of type ${dtype} from given values`);
  }
}

/** Small numeric contents of an onnxruntime tensor, as numbers; undefined when large or not numeric. */
function contentsOf(tensor: ort.Tensor): number[] | undefined {
  const d = tensor.data;
  if (!isSmall(tensor.dims.map(Number)) || typeof d === 'string' || Array.isArray(d) || tensor.type === 'float16') return undefined;
  return Array.from(d as ArrayLike<number | bigint>, Number);
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

/** What onnxruntime's own shape inference (done when a session is created) says of an output, if concrete. */
function fromMetadata(meta: ort.InferenceSession.ValueMetadata | undefined): Known | undefined {
  if (meta === undefined || !meta.isTensor || !DTYPES.has(meta.type)) return undefined;
  const shape = meta.shape;
  if (!shape.every((d): d is number => typeof d === 'number' && d >= 0)) return undefined;
  return known(meta.type as DType, shape);
}

interface Ask {
  readonly model: Graph;
  /** The feeds, made only when the model must run (filler tensors can be large). */
  readonly feeds: () => Record<string, ort.Tensor>;
  readonly targets: readonly number[];
  /** Whether a target's small contents are worth a run (true shape data for later static folding). */
  readonly wantsContents: (t: number) => boolean;
  /**
   * Whether load-time shape inference may answer for a target (else the model runs), given the targets
   * already accepted (targets are asked in topological order).
   */
  readonly trustMetadata: (t: number, accepted: ReadonlySet<number>) => boolean;
  /** Never run: return what load-time inference gives. */
  readonly inferenceOnly?: boolean;
  readonly what: string;
  readonly hint: string;
}

const CONTROL_FLOW: ReadonlySet<string> = new Set(['If', 'Loop', 'Scan']);

/**
 * Where onnxruntime's load-time shape inference is not to be trusted for a node's outputs: control flow and
 * other domains' ops report an unknown rank as [] (indistinguishable from a scalar in onnxruntime-node's
 * metadata), and ONNX's inference for pooling with ceil_mode counts a last window that the runtime drops.
 */
export function metadataTrusted(graph: Graph, node: number): boolean {
  const n = graph.nodes[node];
  if (n.domain !== '' || CONTROL_FLOW.has(n.opType)) return false;
  const ceil = n.attributes.get('ceil_mode');
  return !(ceil?.type === 'int' && ceil.value !== 0);
}

/**
 * Creates a session for the model; when onnxruntime's load-time shape inference gives every target a concrete
 * shape (and no target's contents are wanted), that is the answer and nothing runs; otherwise it runs once.
 */
async function ask(graph: Graph, q: Ask): Promise<Map<number, Known>> {
  let session: ort.InferenceSession | undefined;
  const found = new Map<number, Known>();
  try {
    // With control flow, the model goes to onnxruntime with symbolic input dims (graph/symbolic-dims.ts): the feeds
    // give the shapes, and an untaken branch that cannot take the pinned ones does not stop the load.
    const model = hasControlFlow(q.model) ? withSymbolicDims(q.model) : q.model;
    session = await ort.InferenceSession.create(writeModel(model), {
      executionProviders: ['cpu'], graphOptimizationLevel: 'disabled', ...ortSessionLogOptions(),
    });
    const meta = new Map(session.outputMetadata.map((m) => [m.name, m]));
    const accepted = new Set<number>();
    for (const t of q.targets) {
      const k = q.trustMetadata(t, accepted) ? fromMetadata(meta.get(q.model.values[t].name)) : undefined;
      if (k !== undefined) { found.set(t, k); accepted.add(t); }
    }
    const mustRun = q.targets.some((t) => {
      const k = found.get(t);
      return k === undefined || (q.wantsContents(t) && k.dtype === 'int64' && isSmall(k.shape));
    });
    if (!mustRun || q.inferenceOnly) return found;
    const results = await session.run(q.feeds(), q.targets.map((t) => q.model.values[t].name));
    for (const t of q.targets) {
      const tensor = results[q.model.values[t].name] as ort.Tensor | undefined;
      if (tensor === undefined || !DTYPES.has(tensor.type)) continue;
      found.set(t, known(tensor.type as DType, tensor.dims.map(Number), q.wantsContents(t) ? contentsOf(tensor) : undefined));
    }
    return found;
  } catch (error) {
    throw new QuiltError(`graph '${graph.name}': the onnxruntime shape fallback failed ${q.what}: ${oneLine(error)}${q.hint}`);
  } finally {
    await session?.release();
  }
}

/** Where integer graph inputs that nobody gave a value for decide an `If`, the flag that would fix it. */
export function branchHint(graph: Graph, given: ReadonlySet<number>): string {
  const names = branchInputsWithoutValue(graph, given).map((i) => graph.values[i].name);
  if (names.length === 0) return '';
  return `; integer input ${names.map((n) => `'${n}'`).join(', ')} decides an If and no value was given:`
    + ` give one with ${names.map((n) => `--input-value ${n}=<v>`).join(' ')}`;
}

function feedFor(v: number, k: Known, inputValues: ReadonlyMap<number, readonly number[]>): ort.Tensor {
  return filledTensor(k.dtype, k.shape, inputValues.get(v) ?? k.constant);
}

/** Runs `graph` once on onnxruntime's CPU provider and returns what it reports about `targets`. */
export async function shapesFromOnnxRuntime(
  graph: Graph, inputs: ReadonlyMap<number, Known>, targets: readonly number[],
  inputValues: ReadonlyMap<number, readonly number[]> = new Map(),
): Promise<Map<number, Known>> {
  const feeds = () => Object.fromEntries([...inputs].map(([index, k]) => [graph.values[index].name, feedFor(index, k, inputValues)]));
  return ask(graph, {
    model: exposeValues(graph, inputs, targets), feeds, targets, wantsContents: () => false, trustMetadata: () => false,
    what: 'on the whole graph', hint: branchHint(graph, new Set(inputValues.keys())),
  });
}

/** Ops whose outputs depend on their inputs' shapes only, never on their data. */
const SHAPE_ONLY_OPS: ReadonlySet<string> = new Set(['Shape', 'Size']);

/** Runs one wave and returns the Knowns of its frontier nodes' outputs. */
export async function runWave(
  graph: Graph, wave: FallbackWave, knownValues: readonly (Known | undefined)[], inputValues: ReadonlyMap<number, readonly number[]>,
): Promise<Map<number, Known>> {
  const targets = [...new Set(wave.frontier.flatMap((n) => graph.nodes[n].outputs))].filter((v) => v >= 0);
  const part = extractSubgraph(graph, wave.nodes, { inputs: wave.inputs, outputs: targets, name: graph.name });
  const proven = new Map<number, Known>();
  for (const v of wave.inputs) proven.set(part.valueByName.get(graph.values[v].name) as number, knownValues[v] as Known);
  const feeds = () => Object.fromEntries(wave.inputs.map((v) => [graph.values[v].name, feedFor(v, knownValues[v] as Known, inputValues)]));
  // Contents are true data when no activation was replaced by filler, and always for ops that read only shapes.
  const exact = (t: number) => wave.filled.length === 0 || SHAPE_ONLY_OPS.has(graph.nodes[graph.values[t].producer].opType);
  const partIndex = (t: number) => part.valueByName.get(graph.values[t].name) as number;
  const byPart = await ask(graph, {
    model: exposeValues(part, proven, []), feeds, targets: targets.map(partIndex),
    wantsContents: (pt) => exact(graph.valueByName.get(part.values[pt].name) as number),
    inferenceOnly: wave.inferenceOnly,
    // A node's answer counts only when every input made inside the wave was itself answered (an unknown rank
    // upstream reads as [] downstream too).
    trustMetadata: (pt, accepted) => {
      const producer = part.nodes[part.values[pt].producer];
      return metadataTrusted(graph, graph.values[graph.valueByName.get(part.values[pt].name) as number].producer)
        && [...producer.inputs, ...producer.implicitInputs].every((i) => i < 0 || part.values[i].producer < 0 || accepted.has(i));
    },
    what: `at ${wave.frontier.map((n) => `node '${graph.nodes[n].name}' (${graph.nodes[n].opType})`).slice(0, 3).join(', ')}${wave.frontier.length > 3 ? ` and ${wave.frontier.length - 3} more` : ''}`,
    hint: branchHint(graph, new Set(inputValues.keys())),
  });
  const found = new Map<number, Known>();
  for (const t of targets) {
    const k = byPart.get(part.valueByName.get(graph.values[t].name) as number);
    if (k !== undefined) found.set(t, k);
  }
  return found;
}
