/**
 * loadModel: an ONNX file (path or bytes) to a Graph.
 *
 * Stages:
 *   1. Read the bytes; check the outer protobuf layer (not ONNX vs. truncated); decode with onnx-proto.
 *   2. Collect what the file says about types: graph inputs, outputs and value_info give dtype and shape
 *      (dim_value -> number, dim_param -> string, neither -> null; no shape -> undefined).
 *   3. Values in file order: graph inputs that are not initializers, initializers (their bytes, from
 *      raw_data, the typed fields or external data), then node outputs. `Constant` outputs get their
 *      dtype and shape from the tensor they hold; assembleGraph marks them as weights.
 *   4. Nodes: attributes in plain form (graphs stay opaque, for writing back); control-flow nodes get their
 *      implicit inputs and subgraph weight bytes, external data inside their subgraphs is inlined, and each
 *      subgraph is also loaded as a Graph (`Node.bodies`, by this same function, to any depth), its
 *      outer-scope reads appended to its inputs with the types the subgraph states (often none).
 *   5. Check that every name read is provided, assemble, and reject cycles (fileOrder).
 *
 * Invariants: every error about the file is a one-line QuiltError naming the file and, where it applies,
 * the node and value; unknown operators are kept as they are. Omitted optional outputs ('') at the end of a
 * node's output list are dropped, ones in the middle get a generated name `<node>__unused<i>`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { QuiltError, oneLine } from '../core/errors';
import { assembleGraph, PendingNodeLike, PendingValueLike } from '../graph/builder';
import { DType } from '../core/dtype';
import { AttributeValue, Body, Dim, Graph, OpsetImport } from '../graph/graph';
import { fileOrder } from '../graph/order';
import { constantTensor } from '../graph/subgraph';
import { attributeFromProto } from './attributes';
import { freeNames, implicitInputsOf, inlineSubgraphExternalData, namedSubgraphsOf, subgraphWeightBytesOf } from './control-flow';
import { checkModelEnvelope } from './envelope';
import { ExternalDataReader } from './external-data';
import { int64ToNumber } from './int64';
import { dtypeOrUndefined, tensorFromProto } from './tensor';

export interface LoadOptions {
  /** Folder that external data locations are relative to; default: the model file's folder. */
  readonly baseDir?: string;
  /** Graph name; default: the graph's name in the file, else the file's base name. */
  readonly name?: string;
}

interface TypeInfo {
  readonly dtype: DType | undefined;
  readonly shape: readonly Dim[] | undefined;
}

export function loadModel(source: string | Uint8Array, options: LoadOptions = {}): Graph {
  const label = typeof source === 'string' ? `'${source}'` : `model '${options.name ?? 'bytes'}'`;
  const bytes = typeof source === 'string' ? readModelFile(source) : source;
  checkModelEnvelope(bytes, label);
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new QuiltError(`${label}: not a valid ONNX file (${oneLine(e)})`);
  }
  if (!model.graph) throw new QuiltError(`${label}: not an ONNX model (it has no graph)`);
  const baseDir = options.baseDir ?? (typeof source === 'string' ? path.dirname(path.resolve(source)) : undefined);
  const fallbackName = typeof source === 'string' ? path.basename(source).replace(/\.onnx$/i, '') : 'model';
  const name = options.name ?? (model.graph.name || fallbackName);
  const external = new ExternalDataReader(baseDir, label);
  try {
    const graph = graphFromProto(model.graph, opsetsOf(model), name, external, label);
    try {
      fileOrder(graph);
    } catch (e) {
      throw e instanceof QuiltError ? new QuiltError(`${label}: ${e.message}`) : e;
    }
    return graph;
  } finally {
    external.close();
  }
}

function readModelFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new QuiltError(`cannot read model file '${file}' (${(e as NodeJS.ErrnoException).code ?? oneLine(e)})`);
  }
}

function opsetsOf(model: onnx.IModelProto): OpsetImport[] {
  return (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: int64ToNumber(o.version) }));
}

function typeInfoOf(info: onnx.IValueInfoProto): TypeInfo {
  const tensor = info.type?.tensorType;
  if (!tensor) return { dtype: undefined, shape: undefined };
  const shape = tensor.shape
    ? (tensor.shape.dim ?? []).map((d): Dim => {
      if (d.dimValue !== null && d.dimValue !== undefined) return int64ToNumber(d.dimValue);
      if (d.dimParam) return d.dimParam;
      return null;
    })
    : undefined;
  return { dtype: dtypeOrUndefined(tensor.elemType), shape };
}

function graphFromProto(
  proto: onnx.IGraphProto, opsets: readonly OpsetImport[], name: string, external: ExternalDataReader, label: string,
  outerScope: readonly string[] = [],
): Graph {
  const types = new Map<string, TypeInfo>();
  for (const info of [...(proto.input ?? []), ...(proto.output ?? []), ...(proto.valueInfo ?? [])]) {
    if (info.name) types.set(info.name, typeInfoOf(info));
  }
  const values = new Map<string, PendingValueLike>();
  const provide = (value: PendingValueLike, by: string): void => {
    if (value.name === '') throw new QuiltError(`${label}: ${by} provides a value with an empty name`);
    if (values.has(value.name)) throw new QuiltError(`${label}: value '${value.name}' is provided twice (again by ${by})`);
    values.set(value.name, value);
  };

  const initializerNames = new Set((proto.initializer ?? []).map((t) => t.name ?? ''));
  const inputNames: string[] = [];
  for (const input of proto.input ?? []) {
    const inputName = input.name ?? '';
    if (initializerNames.has(inputName)) continue;
    provide({ name: inputName, ...typeInfoOf(input), kind: 'input' }, 'the graph input list');
    inputNames.push(inputName);
  }
  for (const outer of outerScope) {
    provide({ name: outer, ...(types.get(outer) ?? { dtype: undefined, shape: undefined }), kind: 'input' }, 'the outer scope');
    inputNames.push(outer);
  }
  for (const t of proto.initializer ?? []) {
    const data = tensorFromProto(t, external, label);
    provide({ name: t.name ?? '', dtype: data.dtype, shape: data.dims, kind: 'weight', data }, `initializer '${t.name ?? ''}'`);
  }
  if ((proto.sparseInitializer ?? []).length > 0) {
    const first = proto.sparseInitializer?.[0]?.values?.name ?? '';
    throw new QuiltError(`${label}: sparse initializer '${first}' is not supported (the toolkit keeps dense weights only)`);
  }

  const nodes: PendingNodeLike[] = (proto.node ?? []).map((n, i) => {
    const opType = n.opType ?? '';
    const nodeName = n.name || `${opType}_${i}`;
    const where = `${label}: node '${nodeName}' (${opType})`;
    const attributes = new Map<string, AttributeValue>();
    for (const a of n.attribute ?? []) attributes.set(a.name ?? '', attributeFromProto(a, external, where));
    inlineSubgraphExternalData(n, external);
    const outputs = [...(n.output ?? [])];
    while (outputs.length > 0 && outputs[outputs.length - 1] === '') outputs.pop();
    const outputNames = outputs.map((o, k) => (o === '' ? `${nodeName}__unused${k}` : o));
    const node: PendingNodeLike = {
      name: nodeName,
      opType,
      domain: n.domain ?? '',
      inputs: [...(n.input ?? [])],
      outputs: outputNames,
      attributes,
      implicitInputs: implicitInputsOf(n),
      subgraphWeightBytes: subgraphWeightBytesOf(n),
      bodies: namedSubgraphsOf(n).map(({ attribute, graph }): Body => ({
        attribute,
        graph: graphFromProto(graph, opsets, `${nodeName}/${attribute}`, external, label, freeNames(graph)),
        formalInputs: (graph.input ?? []).filter((i) => !(graph.initializer ?? []).some((t) => t.name === i.name)).length,
      })),
    };
    const constant = opType === 'Constant' && !n.domain ? constantTensor(node) : undefined;
    for (const o of outputNames) {
      const info = constant ? { dtype: constant.dtype, shape: constant.dims } : types.get(o) ?? { dtype: undefined, shape: undefined };
      provide({ name: o, ...info, kind: 'activation' }, `node '${nodeName}' (${opType})`);
    }
    return node;
  });

  for (const node of nodes) {
    for (const read of [...node.inputs, ...(node.implicitInputs ?? [])]) {
      if (read !== '' && !values.has(read)) {
        throw new QuiltError(`${label}: node '${node.name}' (${node.opType}) reads '${read}', which no input, initializer or node provides`);
      }
    }
  }
  const outputNames = (proto.output ?? []).map((o) => o.name ?? '');
  for (const o of outputNames) {
    if (!values.has(o)) throw new QuiltError(`${label}: graph output '${o}' is not provided by any input, initializer or node`);
  }
  return assembleGraph(name, opsets, [...values.values()], nodes, inputNames, outputNames);
}
