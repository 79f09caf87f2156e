/**
 * GraphBuilder: makes a Graph in code, one node at a time (the model zoo and the tests' hand-built graphs).
 *
 * Values are named by strings while building; `finish()` indexes them, links producers and consumers, and
 * checks that every input a node reads exists. Intermediate values get no dtype or shape here: shape
 * resolution (`toolkit/shapes/`) fills them in.
 */
import {
  AttributeValue, Body, Dim, Graph, Node, OpsetImport, TensorData, Value, ValueKind,
} from './graph';
import { DType } from '../core/dtype';

/** Attribute inputs: numbers are ints and number arrays are ints unless wrapped with `floatAttr`/`floatsAttr`. */
export type AttrInput = number | readonly number[] | string | readonly string[] | AttributeValue;

export const floatAttr = (value: number): AttributeValue => ({ type: 'float', value });
export const floatsAttr = (value: readonly number[]): AttributeValue => ({ type: 'floats', value });
export const tensorAttr = (value: TensorData): AttributeValue => ({ type: 'tensor', value });

export const DEFAULT_OPSETS: readonly OpsetImport[] = [{ domain: '', version: 17 }];

interface PendingValue {
  name: string;
  dtype: DType | undefined;
  shape: readonly Dim[] | undefined;
  kind: ValueKind;
  data?: TensorData;
}

interface PendingNode {
  name: string;
  opType: string;
  domain: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Map<string, AttributeValue>;
}

export interface NodeOptions {
  /** Node name; default `<opType>_<n>`. */
  name?: string;
  /** Output names, or how many outputs to create (named `<node>_out<i>`); default one. */
  outputs?: number | readonly string[];
  domain?: string;
}

function toAttribute(input: AttrInput): AttributeValue {
  if (typeof input === 'number') return { type: 'int', value: input };
  if (typeof input === 'string') return { type: 'string', value: input };
  if (Array.isArray(input)) {
    if (input.every((x) => typeof x === 'number')) return { type: 'ints', value: input as readonly number[] };
    return { type: 'strings', value: input as readonly string[] };
  }
  return input as AttributeValue;
}

export class GraphBuilder {
  private readonly values = new Map<string, PendingValue>();
  private readonly nodes: PendingNode[] = [];
  private readonly inputNames: string[] = [];
  private readonly outputNames: string[] = [];
  private readonly nodeNames = new Set<string>();

  constructor(private readonly name: string, private readonly opsets: readonly OpsetImport[] = DEFAULT_OPSETS) {}

  /** A graph input. Dims may be symbolic names. */
  input(name: string, dtype: DType, shape: readonly Dim[]): string {
    this.addValue({ name, dtype, shape, kind: 'input' });
    this.inputNames.push(name);
    return name;
  }

  /** A weight stored as an initializer. */
  initializer(name: string, data: TensorData): string {
    this.addValue({ name, dtype: data.dtype, shape: data.dims, kind: 'weight', data });
    return name;
  }

  /** A weight stored as the output of a `Constant` node (as many exported models do). */
  constant(name: string, data: TensorData): string {
    this.node('Constant', [], { value: tensorAttr(data) }, { name: `${name}_const`, outputs: [name] });
    return name;
  }

  /** Adds a node and returns its output names. An empty string in `inputs` is an omitted optional input. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttrInput> = {}, options: NodeOptions = {}): string[] {
    const name = options.name ?? `${opType}_${this.nodes.length}`;
    if (this.nodeNames.has(name)) throw new Error(`duplicate node name '${name}'`);
    this.nodeNames.add(name);
    const outputs = typeof options.outputs === 'object'
      ? [...options.outputs]
      : Array.from({ length: options.outputs ?? 1 }, (_, i) => (i === 0 ? `${name}_out` : `${name}_out${i}`));
    for (const output of outputs) this.addValue({ name: output, dtype: undefined, shape: undefined, kind: 'activation' });
    const attributes = new Map<string, AttributeValue>();
    for (const [key, value] of Object.entries(attrs)) attributes.set(key, toAttribute(value));
    this.nodes.push({ name, opType, domain: options.domain ?? '', inputs: [...inputs], outputs, attributes });
    return outputs;
  }

  /** Adds a single-output node and returns its output name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrInput> = {}, name?: string): string {
    return this.node(opType, inputs, attrs, { name })[0];
  }

  /** Marks a value as a graph output, optionally stating its dtype and shape. */
  output(name: string, dtype?: DType, shape?: readonly Dim[]): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`output '${name}' is not a value of graph '${this.name}'`);
    v.kind = 'output';
    if (dtype !== undefined) v.dtype = dtype;
    if (shape !== undefined) v.shape = shape;
    this.outputNames.push(name);
    return name;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  finish(): Graph {
    return assembleGraph(this.name, this.opsets, [...this.values.values()], this.nodes, this.inputNames, this.outputNames);
  }

  private addValue(value: PendingValue): void {
    if (this.values.has(value.name)) throw new Error(`duplicate value name '${value.name}' in graph '${this.name}'`);
    this.values.set(value.name, value);
  }
}

/**
 * Indexes named values and nodes into a Graph: assigns indices, links producers and consumers, marks
 * `Constant` outputs as weights, and rejects dangling inputs. Shared by the builder and the ONNX loader.
 */
export function assembleGraph(
  name: string,
  opsets: readonly OpsetImport[],
  values: readonly PendingValueLike[],
  nodes: readonly PendingNodeLike[],
  inputNames: readonly string[],
  outputNames: readonly string[],
): Graph {
  const valueByName = new Map<string, number>();
  values.forEach((v, i) => valueByName.set(v.name, i));
  const producer = new Array<number>(values.length).fill(-1);
  const consumers: number[][] = values.map(() => []);
  const lookup = (valueName: string, where: string): number => {
    const i = valueByName.get(valueName);
    if (i === undefined) throw new Error(`${where} reads '${valueName}', which no input, weight or node provides`);
    return i;
  };
  const builtNodes: Node[] = nodes.map((n, nodeIndex) => {
    const where = `node '${n.name}' (${n.opType})`;
    const inputs = n.inputs.map((x) => (x === '' ? -1 : lookup(x, where)));
    const implicitInputs = (n.implicitInputs ?? []).map((x) => lookup(x, where));
    const outputs = n.outputs.map((x) => lookup(x, where));
    for (const o of outputs) {
      if (producer[o] !== -1) throw new Error(`value '${values[o].name}' is produced by two nodes`);
      producer[o] = nodeIndex;
    }
    for (const i of new Set([...inputs, ...implicitInputs])) if (i >= 0) consumers[i].push(nodeIndex);
    return {
      index: nodeIndex,
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      inputs,
      outputs,
      attributes: n.attributes,
      implicitInputs,
      subgraphWeightBytes: n.subgraphWeightBytes ?? 0,
      bodies: n.bodies ?? [],
    };
  });
  const outputSet = new Set(outputNames);
  const builtValues: Value[] = values.map((v, i) => {
    const producedByConstant = producer[i] >= 0 && builtNodes[producer[i]].opType === 'Constant';
    let kind: ValueKind = v.kind;
    if (outputSet.has(v.name)) kind = 'output';
    else if (producedByConstant) kind = 'weight';
    else if (v.kind === 'output') kind = 'activation';
    return {
      index: i, name: v.name, dtype: v.dtype, shape: v.shape, kind, producer: producer[i], consumers: consumers[i], data: v.data,
    };
  });
  for (const o of outputNames) lookup(o, `graph output list`);
  return {
    name,
    values: builtValues,
    nodes: builtNodes,
    inputs: inputNames.map((x) => lookup(x, 'graph input list')),
    outputs: outputNames.map((x) => lookup(x, 'graph output list')),
    opsets,
    valueByName,
  };
}

export interface PendingValueLike {
  readonly name: string;
  readonly dtype: DType | undefined;
  readonly shape: readonly Dim[] | undefined;
  readonly kind: ValueKind;
  readonly data?: TensorData;
}

export interface PendingNodeLike {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeValue>;
  readonly implicitInputs?: readonly string[];
  readonly subgraphWeightBytes?: number;
  readonly bodies?: readonly Body[];
}
