/**
 * Hand-written ONNX protos for the ONNX folder's tests: small models whose answers are known, built with
 * onnx-proto directly so they can hold what the GraphBuilder cannot (subgraphs, external data, typed fields).
 */
import { onnx } from 'onnx-proto';

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const BOOL = onnx.TensorProto.DataType.BOOL;

export function floats(xs: readonly number[]): Uint8Array {
  return new Uint8Array(new Float32Array(xs).buffer);
}

export function tensorInfo(name: string, elemType: number, dims?: ReadonlyArray<number | string | null>): onnx.IValueInfoProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType };
  if (dims) {
    tensorType.shape = { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) };
  }
  return { name, type: { tensorType } };
}

export function floatTensor(name: string, dims: readonly number[], xs: readonly number[]): onnx.ITensorProto {
  return { name, dims: [...dims], dataType: FLOAT, rawData: floats(xs) };
}

export function node(opType: string, input: string[], output: string[], name: string, attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input, output, name, attribute };
}

export function constantNode(name: string, output: string, tensor: onnx.ITensorProto): onnx.INodeProto {
  return node('Constant', [], [output], name, [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: tensor }]);
}

export function graphAttr(name: string, g: onnx.IGraphProto): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.GRAPH, g };
}

export function encodeModel(graph: onnx.IGraphProto, opset = 17): Uint8Array {
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph }).finish();
}

/**
 * cond: bool[], x: float32[2]. rx = Relu(x); y = If(cond) then rx + [10, 20] (a Constant in the branch)
 * else rx * [2, 3] (an initializer of the branch). Branch weights: 8 + 8 bytes; the If reads 'rx' implicitly.
 */
export function ifModel(): Uint8Array {
  const thenBranch: onnx.IGraphProto = {
    name: 'then',
    node: [constantNode('then_w_const', 'then_w', floatTensor('', [2], [10, 20])), node('Add', ['rx', 'then_w'], ['then_y'], 'then_add')],
    output: [tensorInfo('then_y', FLOAT, [2])],
  };
  const elseBranch: onnx.IGraphProto = {
    name: 'else',
    initializer: [floatTensor('else_w', [2], [2, 3])],
    node: [node('Mul', ['rx', 'else_w'], ['else_y'], 'else_mul')],
    output: [tensorInfo('else_y', FLOAT, [2])],
  };
  return encodeModel({
    name: 'if_model',
    input: [tensorInfo('cond', BOOL, []), tensorInfo('x', FLOAT, [2])],
    node: [
      node('Relu', ['x'], ['rx'], 'relu'),
      node('If', ['cond'], ['y'], 'branch', [graphAttr('then_branch', thenBranch), graphAttr('else_branch', elseBranch)]),
    ],
    output: [tensorInfo('y', FLOAT, [2])],
  });
}

/**
 * trip: int64[], v0: float32[2]. v_final = Loop(trip, (none), v0) with body v <- (v + [1, 1]) * scale,
 * where [1, 1] is a Constant of the body and 'scale' ([2, 2]) an initializer of the outer graph read
 * implicitly. Body weights: 8 bytes.
 */
export function loopModel(): Uint8Array {
  const body: onnx.IGraphProto = {
    name: 'body',
    input: [tensorInfo('i', INT64, []), tensorInfo('cond_in', BOOL, []), tensorInfo('v_in', FLOAT, [2])],
    node: [
      constantNode('one_const', 'one', floatTensor('', [2], [1, 1])),
      node('Add', ['v_in', 'one'], ['s'], 'body_add'),
      node('Mul', ['s', 'scale'], ['v_out'], 'body_mul'),
      node('Identity', ['cond_in'], ['cond_out'], 'body_cond'),
    ],
    output: [tensorInfo('cond_out', BOOL, []), tensorInfo('v_out', FLOAT, [2])],
  };
  return encodeModel({
    name: 'loop_model',
    input: [tensorInfo('trip', INT64, []), tensorInfo('v0', FLOAT, [2])],
    initializer: [floatTensor('scale', [2], [2, 2])],
    node: [node('Loop', ['trip', '', 'v0'], ['v_final'], 'loop', [graphAttr('body', body)])],
    output: [tensorInfo('v_final', FLOAT, [2])],
  });
}
