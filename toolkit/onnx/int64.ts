/**
 * 64-bit integers as protobufjs hands them over (a `Long`, or a number when no Long library is loaded) and
 * as the writer passes them back. Values beyond 2^53 (INT64_MAX in `Slice` ends, say) lose precision as
 * numbers; the writer saturates them back to the int64 range so INT64_MAX and INT64_MIN survive a round trip.
 */

/** The part of a protobufjs Long the toolkit reads. */
interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}

function isLongLike(x: unknown): x is LongLike {
  return typeof x === 'object' && x !== null && typeof (x as LongLike).low === 'number' && typeof (x as LongLike).high === 'number';
}

/** A protobuf int64 (number, Long, null or undefined) as a JavaScript number (0 when absent). */
export function int64ToNumber(x: unknown): number {
  if (x === null || x === undefined) return 0;
  if (typeof x === 'number') return x;
  if (isLongLike(x)) {
    const high = x.unsigned ? x.high >>> 0 : x.high | 0;
    return high * 4294967296 + (x.low >>> 0);
  }
  throw new Error(`not a 64-bit integer: ${String(x)}`);
}

/** A protobuf int64 as a BigInt, exactly (for tensor contents). */
export function int64ToBigInt(x: unknown, unsigned = false): bigint {
  if (typeof x === 'number') return BigInt(Math.trunc(x));
  if (isLongLike(x)) {
    const bits = (BigInt(x.high >>> 0) << 32n) | BigInt(x.low >>> 0);
    return unsigned || x.unsigned ? bits : BigInt.asIntN(64, bits);
  }
  if (x === null || x === undefined) return 0n;
  throw new Error(`not a 64-bit integer: ${String(x)}`);
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * A number for a protobuf int64 field: safe integers pass as they are, others become a Long-like
 * { low, high } saturated to the int64 range (protobufjs would wrap 2^63 around to INT64_MIN).
 */
export function numberToInt64(x: number): number {
  if (Number.isSafeInteger(x)) return x;
  let b = Number.isFinite(x) ? BigInt(Math.trunc(x)) : x > 0 ? INT64_MAX : INT64_MIN;
  if (b > INT64_MAX) b = INT64_MAX;
  if (b < INT64_MIN) b = INT64_MIN;
  const bits = BigInt.asUintN(64, b);
  const long: LongLike = { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: false };
  // protobufjs's writer takes any { low, high } object where its typings say number | Long.
  return long as unknown as number;
}
