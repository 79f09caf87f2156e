/**
 * Dynamic quantization of a float network's convolutions, written as onnxruntime's `quantize_dynamic` writes
 * it: each Conv with an initializer weight becomes
 *   DynamicQuantizeLinear(x) -> (x_q uint8, x_scale, x_zero) ; ConvInteger(x_q, w_q int8, x_zero) -> int32
 *   -> Cast float32 -> Mul by (x_scale * w_scale) -> Add bias as [1, C, 1, 1] (when the Conv had one).
 * Weights are quantized symmetrically per tensor: w_scale = max|w| / 127, w_q = round(w / w_scale). The output
 * keeps the Conv's output name, so everything downstream is unchanged; other nodes are copied as they are.
 */
import { assembleGraph, PendingNodeLike, PendingValueLike } from '../graph/builder';
import { AttributeValue, Graph, TensorData } from '../graph/graph';

function floats(data: TensorData): Float32Array {
  return new Float32Array(data.bytes.buffer.slice(data.bytes.byteOffset, data.bytes.byteOffset + data.bytes.byteLength));
}

function scalar(value: number): TensorData {
  return { dtype: 'float32', dims: [], bytes: new Uint8Array(Float32Array.of(value).buffer) };
}

function quantizeWeight(data: TensorData): { q: TensorData; scale: number } {
  const w = floats(data);
  let max = 0;
  for (const x of w) max = Math.max(max, Math.abs(x));
  const scale = max > 0 ? max / 127 : 1;
  const q = Int8Array.from(w, (x) => Math.max(-127, Math.min(127, Math.round(x / scale))));
  return { q: { dtype: 'int8', dims: data.dims, bytes: new Uint8Array(q.buffer) }, scale };
}

export function dynamicQuantizeConvs(graph: Graph, name: string): Graph {
  const values: PendingValueLike[] = [];
  const nodes: PendingNodeLike[] = [];
  const add = (v: PendingValueLike) => values.push(v);
  const op = (nodeName: string, opType: string, inputs: string[], outputs: string[], attributes: ReadonlyMap<string, AttributeValue> = new Map()) => {
    for (const o of outputs) if (!graph.valueByName.has(o)) add({ name: o, dtype: undefined, shape: undefined, kind: 'activation' });
    nodes.push({ name: nodeName, opType, domain: '', inputs, outputs, attributes });
  };
  const convs = graph.nodes.filter((n) => n.opType === 'Conv' && graph.values[n.inputs[1]].data !== undefined);
  // The float weight and bias of a quantized Conv are replaced (when nothing else reads them).
  const replaced = new Set(convs.flatMap((n) => n.inputs.slice(1, 3)).filter((i) => i >= 0 && graph.values[i].consumers.length === 1));
  for (const v of graph.values) {
    if (!replaced.has(v.index)) add({ name: v.name, dtype: v.dtype, shape: v.shape, kind: v.kind, data: v.data });
  }
  const convSet = new Set(convs.map((n) => n.index));
  for (const n of graph.nodes) {
    const nameOf = (i: number) => (i < 0 ? '' : graph.values[i].name);
    if (!convSet.has(n.index)) {
      op(n.name, n.opType, n.inputs.map(nameOf), n.outputs.map(nameOf), n.attributes);
      continue;
    }
    const [x, w, bias] = n.inputs.map(nameOf);
    const out = nameOf(n.outputs[0]);
    const { q, scale } = quantizeWeight(graph.values[n.inputs[1]].data as TensorData);
    add({ name: `${w}_quantized`, dtype: 'int8', shape: q.dims, kind: 'weight', data: q });
    add({ name: `${w}_scale`, dtype: 'float32', shape: [], kind: 'weight', data: scalar(scale) });
    const p = n.name;
    op(`${p}_quant`, 'DynamicQuantizeLinear', [x], [`${p}_xq`, `${p}_xscale`, `${p}_xzero`]);
    op(`${p}_int`, 'ConvInteger', [`${p}_xq`, `${w}_quantized`, `${p}_xzero`], [`${p}_acc`], n.attributes);
    op(`${p}_cast`, 'Cast', [`${p}_acc`], [`${p}_accf`], new Map([['to', { type: 'int', value: 1 }]]));
    op(`${p}_scale`, 'Mul', [`${p}_xscale`, `${w}_scale`], [`${p}_s`]);
    if (bias === undefined || bias === '') {
      op(`${p}_rescale`, 'Mul', [`${p}_accf`, `${p}_s`], [out]);
      continue;
    }
    op(`${p}_rescale`, 'Mul', [`${p}_accf`, `${p}_s`], [`${p}_y`]);
    const biasData = graph.values[n.inputs[2]].data as TensorData;
    const cout = biasData.dims[0];
    add({ name: `${bias}_nchw`, dtype: 'float32', shape: [1, cout, 1, 1], kind: 'weight', data: { ...biasData, dims: [1, cout, 1, 1] } });
    op(`${p}_bias`, 'Add', [`${p}_y`, `${bias}_nchw`], [out]);
  }
  return assembleGraph(name, graph.opsets, values, nodes, graph.inputs.map((i) => graph.values[i].name), graph.outputs.map((i) => graph.values[i].name));
}
