/**
 * What shape inference knows about one value: its dtype, its concrete shape and, for small numeric tensors,
 * its contents (row-major, as JS numbers). Contents let shape-computing chains (Shape -> Gather -> Concat ->
 * Reshape) resolve statically. int64 contents are read as numbers: exact for |x| < 2^53, which every shape is.
 */
import { TensorData, elementCount } from '../graph/graph';
import { DType } from '../core/dtype';

export interface Known {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Row-major contents, present only for small numeric tensors. Booleans are 0/1. */
  readonly constant?: readonly number[];
}

/** Tensors with more elements than this are never decoded or propagated as constants. */
export const MAX_CONSTANT_ELEMENTS = 4096;

const INTEGER_DTYPES: ReadonlySet<DType> = new Set<DType>([
  'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool',
]);

export function isIntegerDType(dtype: DType): boolean {
  return INTEGER_DTYPES.has(dtype);
}

/** Whether a tensor of this shape is small enough to fold (checked before computing its contents). */
export function isSmall(shape: readonly number[]): boolean {
  return elementCount(shape) <= MAX_CONSTANT_ELEMENTS;
}

/** A Known whose constant is kept only when it is small enough to be worth carrying. */
export function known(dtype: DType, shape: readonly number[], constant?: readonly number[]): Known {
  if (constant === undefined || constant.length > MAX_CONSTANT_ELEMENTS) return { dtype, shape };
  return { dtype, shape, constant };
}

/** Decodes a small numeric tensor's raw little-endian bytes; undefined when too large, a string or truncated. */
export function decodeTensor(data: TensorData): readonly number[] | undefined {
  const n = elementCount(data.dims);
  if (n > MAX_CONSTANT_ELEMENTS || data.dtype === 'string') return undefined;
  const view = new DataView(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  const read = reader(data.dtype);
  if (read === undefined || view.byteLength < n * read.size) return undefined;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = read.get(view, i * read.size);
  return out;
}

interface Reader { readonly size: number; get(view: DataView, offset: number): number }

function reader(dtype: DType): Reader | undefined {
  switch (dtype) {
    case 'float32': return { size: 4, get: (v, o) => v.getFloat32(o, true) };
    case 'float64': return { size: 8, get: (v, o) => v.getFloat64(o, true) };
    case 'int8': return { size: 1, get: (v, o) => v.getInt8(o) };
    case 'uint8': case 'bool': return { size: 1, get: (v, o) => v.getUint8(o) };
    case 'int16': return { size: 2, get: (v, o) => v.getInt16(o, true) };
    case 'uint16': return { size: 2, get: (v, o) => v.getUint16(o, true) };
    case 'int32': return { size: 4, get: (v, o) => v.getInt32(o, true) };
    case 'uint32': return { size: 4, get: (v, o) => v.getUint32(o, true) };
    case 'int64': return { size: 8, get: (v, o) => Number(v.getBigInt64(o, true)) };
    case 'uint64': return { size: 8, get: (v, o) => Number(v.getBigUint64(o, true)) };
    default: return undefined; // float16 / bfloat16 contents are never needed for shapes
  }
}

/** Converts a number to what a tensor of `dtype` would hold (integer types truncate, bool is 0/1). */
export function castNumber(x: number, dtype: DType): number {
  if (dtype === 'bool') return x !== 0 ? 1 : 0;
  if (isIntegerDType(dtype)) return Math.trunc(x);
  if (dtype === 'float32') return Math.fround(x);
  return x;
}
