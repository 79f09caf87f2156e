/**
 * Tensors between protobuf and the toolkit: a `TensorProto` (raw_data, the typed repeated fields or
 * external data) becomes a `TensorData` of raw little-endian bytes, and back (always as raw_data).
 * Invariant: the bytes hold exactly elementCount(dims) * dtypeByteSize(dtype) bytes; raw_data is
 * referenced, not copied.
 */
import { onnx } from 'onnx-proto';
import { QuiltError } from '../core/errors';
import { DType, dtypeByteSize, dtypeFromOnnx, dtypeToOnnx } from '../core/dtype';
import { elementCount, TensorData } from '../graph/graph';
import { ExternalDataReader } from './external-data';
import { int64ToBigInt, int64ToNumber, numberToInt64 } from './int64';

/** The toolkit's dtype for an ONNX element type, or undefined when it handles no such type. */
export function dtypeOrUndefined(code: number | null | undefined): DType | undefined {
  if (code === null || code === undefined || code === 0) return undefined;
  try {
    return dtypeFromOnnx(code);
  } catch {
    return undefined;
  }
}

/** Bytes a tensor proto's contents take, from its dims and element type (0 when the type is not handled). */
export function tensorProtoByteSize(tensor: onnx.ITensorProto): number {
  const dtype = dtypeOrUndefined(tensor.dataType);
  if (dtype === undefined || dtype === 'string') return 0;
  return elementCount((tensor.dims ?? []).map(int64ToNumber)) * dtypeByteSize(dtype);
}

/** Decodes a tensor proto; `where` names the model (and node) in error messages. */
export function tensorFromProto(tensor: onnx.ITensorProto, external: ExternalDataReader, where: string): TensorData {
  const name = `${where}: tensor '${tensor.name ?? ''}'`;
  const dtype = dtypeOrUndefined(tensor.dataType);
  if (dtype === undefined) throw new QuiltError(`${name} has element type ${tensor.dataType ?? 0}, which the toolkit does not handle`);
  if (dtype === 'string') throw new QuiltError(`${name} holds strings, which the toolkit does not handle`);
  const dims = (tensor.dims ?? []).map(int64ToNumber);
  const expected = elementCount(dims) * dtypeByteSize(dtype);
  let bytes: Uint8Array;
  if (ExternalDataReader.isExternal(tensor)) bytes = external.read(tensor);
  else if ((tensor.rawData?.length ?? 0) > 0 || expected === 0) bytes = plainView(tensor.rawData ?? new Uint8Array(0));
  else bytes = typedFieldsToRaw(tensor, dtype, expected / dtypeByteSize(dtype));
  if (bytes.length !== expected) {
    throw new QuiltError(`${name} has ${bytes.length} bytes of data, but its ${dtype} shape [${dims.join(', ')}] needs ${expected}`);
  }
  return { dtype, dims, bytes };
}

/** The same bytes as a plain Uint8Array (protobufjs hands out Buffers on Node). */
function plainView(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Converts the typed repeated fields (float_data, int32_data, ...) to raw little-endian bytes. */
function typedFieldsToRaw(tensor: onnx.ITensorProto, dtype: DType, count: number): Uint8Array {
  const size = dtypeByteSize(dtype);
  const out = new Uint8Array(count * size);
  const view = new DataView(out.buffer);
  const take = <T>(field: readonly T[] | null | undefined, write: (offset: number, x: T) => void): Uint8Array => {
    const items = field ?? [];
    const n = Math.min(items.length, count);
    for (let i = 0; i < n; i++) write(i * size, items[i]);
    return out.subarray(0, n * size);
  };
  switch (dtype) {
    case 'float32': return take(tensor.floatData, (o, x) => view.setFloat32(o, x, true));
    case 'float64': return take(tensor.doubleData, (o, x) => view.setFloat64(o, x, true));
    case 'int64': return take(tensor.int64Data, (o, x) => view.setBigInt64(o, int64ToBigInt(x), true));
    case 'uint32': return take(tensor.uint64Data, (o, x) => view.setUint32(o, Number(int64ToBigInt(x, true)), true));
    case 'uint64': return take(tensor.uint64Data, (o, x) => view.setBigUint64(o, int64ToBigInt(x, true), true));
    case 'int32': return take(tensor.int32Data, (o, x) => view.setInt32(o, x, true));
    case 'int16': return take(tensor.int32Data, (o, x) => view.setInt16(o, x, true));
    // float16 and bfloat16 keep their bit patterns in int32_data.
    case 'uint16': case 'float16': case 'bfloat16': return take(tensor.int32Data, (o, x) => view.setUint16(o, x, true));
    case 'int8': return take(tensor.int32Data, (o, x) => view.setInt8(o, x));
    case 'uint8': case 'bool': return take(tensor.int32Data, (o, x) => view.setUint8(o, x));
    default: return out.subarray(0, 0);
  }
}

/** A tensor proto holding `data` as raw_data (a view of the same bytes, no copy). */
export function tensorToProto(name: string, data: TensorData): onnx.ITensorProto {
  const b = data.bytes;
  const expected = elementCount(data.dims) * dtypeByteSize(data.dtype);
  if (b.length !== expected) {
    throw new QuiltError(`tensor '${name}' has ${b.length} bytes, but its ${data.dtype} shape [${data.dims.join(', ')}] needs ${expected}`);
  }
  return {
    name,
    dims: data.dims.map(numberToInt64),
    dataType: dtypeToOnnx(data.dtype),
    // A Buffer view lets protobufjs copy with one memcpy instead of a byte loop.
    rawData: Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  };
}
