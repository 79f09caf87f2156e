/**
 * Node attributes between protobuf and the toolkit's plain form. Ints, floats, strings (and their lists)
 * and tensors become plain values; graphs, sparse tensors, type protos, tensor lists, strings that are not
 * UTF-8 and tensors of types the toolkit has no bytes for stay `opaque`, holding the decoded
 * AttributeProto, which the writer passes back unchanged. Invariant: load then write keeps every attribute.
 */
import { onnx } from 'onnx-proto';
import { AttributeValue } from '../graph/graph';
import { QuiltError } from '../core/errors';
import { ExternalDataReader } from './external-data';
import { int64ToNumber, numberToInt64 } from './int64';
import { tensorFromProto, tensorToProto } from './tensor';

const Type = onnx.AttributeProto.AttributeType;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function decodeUtf8(bytes: Uint8Array | null | undefined): string | undefined {
  try {
    return utf8.decode(bytes ?? new Uint8Array(0));
  } catch {
    return undefined;
  }
}

export function attributeFromProto(attr: onnx.IAttributeProto, external: ExternalDataReader, where: string): AttributeValue {
  const opaque: AttributeValue = { type: 'opaque', value: attr };
  switch (attr.type) {
    case Type.FLOAT: return { type: 'float', value: attr.f ?? 0 };
    case Type.INT: return { type: 'int', value: int64ToNumber(attr.i) };
    case Type.STRING: {
      const value = decodeUtf8(attr.s);
      return value === undefined ? opaque : { type: 'string', value };
    }
    case Type.FLOATS: return { type: 'floats', value: [...(attr.floats ?? [])] };
    case Type.INTS: return { type: 'ints', value: (attr.ints ?? []).map(int64ToNumber) };
    case Type.STRINGS: {
      const value = (attr.strings ?? []).map(decodeUtf8);
      return value.every((s): s is string => s !== undefined) ? { type: 'strings', value } : opaque;
    }
    case Type.TENSOR: {
      if (!attr.t) return opaque;
      try {
        return { type: 'tensor', value: tensorFromProto(attr.t, external, where) };
      } catch (e) {
        // A tensor of a type the toolkit keeps no bytes for (strings, say) is written back as it came.
        if (e instanceof QuiltError && !ExternalDataReader.isExternal(attr.t)) return opaque;
        throw e;
      }
    }
    default: return opaque;
  }
}

export function attributeToProto(name: string, value: AttributeValue): onnx.IAttributeProto {
  switch (value.type) {
    case 'float': return { name, type: Type.FLOAT, f: value.value };
    case 'int': return { name, type: Type.INT, i: numberToInt64(value.value) };
    case 'string': return { name, type: Type.STRING, s: encoder.encode(value.value) };
    case 'floats': return { name, type: Type.FLOATS, floats: [...value.value] };
    case 'ints': return { name, type: Type.INTS, ints: value.value.map(numberToInt64) };
    case 'strings': return { name, type: Type.STRINGS, strings: value.value.map((s) => encoder.encode(s)) };
    case 'tensor': return { name, type: Type.TENSOR, t: tensorToProto('', value.value) };
    case 'opaque': {
      const proto = value.value as onnx.IAttributeProto;
      if (typeof proto !== 'object' || proto === null) throw new Error(`opaque attribute '${name}' holds no AttributeProto`);
      return proto.name === name ? proto : { ...proto, name };
    }
  }
}
