/**
 * The Graph: an ONNX model as an index-based, read-only IR.
 *
 * Values and nodes refer to each other by index. Every value has one producer (a node index, or -1 for graph
 * inputs and initializers) and a list of consumer node indices. Weights are initializers *and* the outputs of
 * `Constant` nodes. Control-flow nodes (`If`, `Loop`, `Scan`) stay single nodes: the weights inside their
 * subgraphs are summed into `Node.subgraphWeightBytes`, and the values their subgraphs read from the outer
 * scope are listed in `Node.implicitInputs` so that liveness and partitioning see them, and the subgraphs themselves
 * are kept as Graphs in `Node.bodies` so that the memory analysis can count the activations inside them.
 *
 * Only `toolkit/onnx/` reads or writes protobuf; it keeps what it needs to write a node back (attributes,
 * subgraphs) in attributes of type 'opaque'.
 *
 * A `ShapedGraph` is a Graph whose every value has a known dtype and concrete shape (see `toolkit/shapes/`);
 * the memory analysis and the partitioner take ShapedGraphs only, so a byte count is never a guess.
 */
import { DType, dtypeByteSize } from '../core/dtype';

/** A dimension: a number when known, a name (`batch`, `seq`) when symbolic, null when unknown. */
export type Dim = number | string | null;

export type ValueKind = 'input' | 'weight' | 'activation' | 'output';

/** A tensor's contents, kept as raw little-endian bytes (ONNX's `raw_data` layout). */
export interface TensorData {
  readonly dtype: DType;
  readonly dims: readonly number[];
  /** Raw bytes. For weights the toolkit generates this may be shared with other tensors; never mutate it. */
  readonly bytes: Uint8Array;
}

export interface Value {
  readonly index: number;
  readonly name: string;
  /** Element type; undefined when the file does not say (intermediates without value_info) until shapes are resolved. */
  readonly dtype: DType | undefined;
  /** Shape as the file (or shape inference) knows it; undefined when nothing is known about its rank. */
  readonly shape: readonly Dim[] | undefined;
  readonly kind: ValueKind;
  /** Node index that produces it, or -1 for graph inputs and initializers. */
  readonly producer: number;
  /** Node indices that read it (each node listed once, in increasing order). */
  readonly consumers: readonly number[];
  /** Initializer contents (weights stored as initializers only; `Constant` weights keep theirs in the node). */
  readonly data?: TensorData;
}

/** An attribute in plain form; subgraphs and other rare kinds are kept opaque by the ONNX folder. */
export type AttributeValue =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  | { readonly type: 'tensor'; readonly value: TensorData }
  | { readonly type: 'opaque'; readonly value: unknown };

export interface Node {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  /** ONNX domain ('' is the default ai.onnx domain). */
  readonly domain: string;
  /** Value indices of the inputs; -1 marks an omitted optional input. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly attributes: ReadonlyMap<string, AttributeValue>;
  /** Outer-scope values read by the node's subgraphs (control flow); empty for ordinary nodes. */
  readonly implicitInputs: readonly number[];
  /** Bytes of weights held inside the node's subgraphs (control flow); 0 for ordinary nodes. */
  readonly subgraphWeightBytes: number;
  /** The node's subgraphs as Graphs (control flow: `If` then/else, `Loop`/`Scan` body); empty for ordinary nodes. */
  readonly bodies: readonly Body[];
}

/**
 * A control-flow node's subgraph. Its `inputs` are first its own formal inputs (`formalInputs` of them: a Loop's
 * iteration number, condition and carried state, a Scan's state and slices; none for an `If` branch), then the
 * outer-scope values it reads, as inputs of kind 'input' whose type the outer graph gives.
 */
export interface Body {
  readonly attribute: string;
  readonly graph: Graph;
  readonly formalInputs: number;
}

/** A value whose dtype and shape are known, with its size in bytes. */
export interface ShapedValue extends Value {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly bytes: number;
}

export interface OpsetImport {
  readonly domain: string;
  readonly version: number;
}

export interface Graph {
  readonly name: string;
  readonly values: readonly Value[];
  readonly nodes: readonly Node[];
  /** Value indices of the graph inputs that are not initializers, in file order. */
  readonly inputs: readonly number[];
  /** Value indices of the graph outputs, in file order. */
  readonly outputs: readonly number[];
  readonly opsets: readonly OpsetImport[];
  readonly valueByName: ReadonlyMap<string, number>;
}

/** A Graph with every value shaped: what shape resolution returns and what analysis takes. */
export interface ShapedGraph extends Graph {
  readonly values: readonly ShapedValue[];
}

/** Every dim of the shape is a known number. */
export function isConcreteShape(shape: readonly Dim[] | undefined): shape is readonly number[] {
  return shape !== undefined && shape.every((d) => typeof d === 'number' && d >= 0);
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Bytes a value occupies, or undefined when its shape is not concrete. */
export function valueBytes(value: Value): number | undefined {
  if (value.dtype === undefined || !isConcreteShape(value.shape)) return undefined;
  return elementCount(value.shape) * dtypeByteSize(value.dtype);
}

export function formatShape(shape: readonly Dim[] | undefined): string {
  if (shape === undefined) return '?';
  return shape.map((d) => (d === null ? '?' : String(d))).join('x') || 'scalar';
}

export function valueNamed(graph: Graph, name: string): Value {
  const i = graph.valueByName.get(name);
  if (i === undefined) throw new Error(`graph '${graph.name}' has no value named '${name}'`);
  return graph.values[i];
}

/** Total bytes of weights in the graph: initializers, Constant outputs and control-flow subgraph weights. */
export function weightBytes(graph: Graph): number {
  let total = 0;
  for (const v of graph.values) if (v.kind === 'weight') total += valueBytes(v) ?? 0;
  for (const n of graph.nodes) total += n.subgraphWeightBytes;
  return total;
}

/** Number of weight elements (parameters) in the graph's own weights (not inside control-flow subgraphs). */
export function parameterCount(graph: Graph): number {
  let total = 0;
  for (const v of graph.values) {
    if (v.kind === 'weight' && isConcreteShape(v.shape)) total += elementCount(v.shape);
  }
  return total;
}
