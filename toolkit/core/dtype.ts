/**
 * Element types: the names the toolkit uses, their ONNX `TensorProto.DataType` codes and byte sizes: the one
 * dtype -> bytes table (memory analysis and transfer counting both read it). The names match onnxruntime-node's
 * `Tensor.type` strings so tensors pass between the two without a table. A `string` element counts 8 bytes
 * (its reference; the characters themselves have no fixed size).
 */
export type DType =
  | 'float32' | 'float16' | 'bfloat16' | 'float64'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool' | 'string';

interface DTypeInfo { readonly onnxCode: number; readonly bytes: number }

const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  float32: { onnxCode: 1, bytes: 4 },
  uint8: { onnxCode: 2, bytes: 1 },
  int8: { onnxCode: 3, bytes: 1 },
  uint16: { onnxCode: 4, bytes: 2 },
  int16: { onnxCode: 5, bytes: 2 },
  int32: { onnxCode: 6, bytes: 4 },
  int64: { onnxCode: 7, bytes: 8 },
  string: { onnxCode: 8, bytes: 8 },
  bool: { onnxCode: 9, bytes: 1 },
  float16: { onnxCode: 10, bytes: 2 },
  float64: { onnxCode: 11, bytes: 8 },
  uint32: { onnxCode: 12, bytes: 4 },
  uint64: { onnxCode: 13, bytes: 8 },
  bfloat16: { onnxCode: 16, bytes: 2 },
};

const BY_CODE = new Map<number, DType>(
  (Object.keys(DTYPES) as DType[]).map((name) => [DTYPES[name].onnxCode, name]),
);

export function dtypeByteSize(dtype: DType): number {
  return DTYPES[dtype].bytes;
}

/** Bytes of one element of a type named by a string (e.g. a tensor handle's `type`); undefined when unknown. */
export function elementBytesOf(type: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(DTYPES, type) ? DTYPES[type as DType].bytes : undefined;
}

export function dtypeToOnnx(dtype: DType): number {
  return DTYPES[dtype].onnxCode;
}

/** The toolkit's name for an ONNX element-type code; throws for types the toolkit does not handle. */
export function dtypeFromOnnx(code: number): DType {
  const name = BY_CODE.get(code);
  if (name === undefined) throw new Error(`unsupported ONNX element type ${code}`);
  return name;
}
