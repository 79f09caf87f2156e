/**
 * writeModel: a Graph to the bytes of an ONNX model that onnxruntime loads.
 *
 * Stages:
 *   1. Order the nodes (fileOrder: the graph's order when topological), so the file is sorted.
 *   2. Initializers: every value without a producer that holds data, written as raw_data.
 *   3. Nodes with their attributes (Constant tensors as tensor attributes, opaque ones passed back as they
 *      came from the loader); inputs and outputs with element type (and shape when known); value_info for
 *      the other values whose dtype is known.
 *   4. Encode once with protobufjs: tensor bytes are referenced until the single final copy into the output
 *      buffer, so a 550 MB model costs one copy, never a quadratic number.
 *
 * Invariants: ir_version is 8, raised only when the default-domain opset needs a newer IR (opset 19-20: 9,
 * 21-22: 10, 23+: 11); the opsets are the graph's.
 */
import { onnx } from 'onnx-proto';
import { QuiltError } from '../core/errors';
import { dtypeToOnnx } from '../core/dtype';
import { Graph, Value } from '../graph/graph';
import { fileOrder } from '../graph/order';
import { attributeToProto } from './attributes';
import { numberToInt64 } from './int64';
import { tensorToProto } from './tensor';

export interface WriteOptions {
  /** producer_name of the model; default 'quilt'. */
  readonly producer?: string;
}

export function writeModel(graph: Graph, options: WriteOptions = {}): Uint8Array {
  const nameOf = (v: number): string => (v < 0 ? '' : graph.values[v].name);
  const nodes: onnx.INodeProto[] = fileOrder(graph).map((i) => {
    const node = graph.nodes[i];
    return {
      name: node.name,
      opType: node.opType,
      domain: node.domain,
      input: node.inputs.map(nameOf),
      output: node.outputs.map(nameOf),
      attribute: [...node.attributes].map(([key, value]) => attributeToProto(key, value)),
    };
  });
  const initializer: onnx.ITensorProto[] = [];
  for (const v of graph.values) {
    if (v.producer !== -1) continue;
    if (v.data !== undefined) initializer.push(tensorToProto(v.name, v.data));
    else if (v.kind === 'weight') throw new QuiltError(`graph '${graph.name}': weight '${v.name}' has no data to write`);
  }
  const listed = new Set([...graph.inputs, ...graph.outputs]);
  const valueInfo = graph.values
    .filter((v) => !listed.has(v.index) && v.producer >= 0 && v.dtype !== undefined)
    .map(valueInfoOf);
  const inputs = graph.inputs.map((i) => {
    const v = graph.values[i];
    if (v.dtype === undefined) throw new QuiltError(`graph '${graph.name}': input '${v.name}' has no dtype, which an ONNX file needs`);
    return valueInfoOf(v);
  });
  const model: onnx.IModelProto = {
    irVersion: irVersionFor(graph),
    producerName: options.producer ?? 'quilt',
    opsetImport: graph.opsets.map((o) => ({ domain: o.domain, version: o.version })),
    graph: {
      name: graph.name,
      node: nodes,
      initializer,
      input: inputs,
      output: graph.outputs.map((i) => valueInfoOf(graph.values[i])),
      valueInfo,
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

function irVersionFor(graph: Graph): number {
  const opset = graph.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset >= 23) return 11;
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  return 8;
}

function valueInfoOf(value: Value): onnx.IValueInfoProto {
  if (value.dtype === undefined) return { name: value.name };
  const tensorType: onnx.TypeProto.ITensor = { elemType: dtypeToOnnx(value.dtype) };
  if (value.shape !== undefined) {
    tensorType.shape = {
      dim: value.shape.map((d) => (typeof d === 'number' ? { dimValue: numberToInt64(d) } : typeof d === 'string' ? { dimParam: d } : {})),
    };
  }
  return { name: value.name, type: { tensorType } };
}
