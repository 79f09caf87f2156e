/**
 * A cheap look at a file's outer protobuf layer before decoding it as an ONNX ModelProto, so that the
 * loader can tell "this is not an ONNX file" from "this ONNX file is cut short".
 *
 * Stages: walk the top-level fields (tag, then a varint or a length-delimited body); a field number the
 * ModelProto does not have, or the wrong wire type for it, means not ONNX; a varint or a body that runs past
 * the end of the bytes means truncated; a walk that ends cleanly must have seen a graph field.
 */
import { QuiltError } from '../core/errors';

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** ModelProto's fields: number -> [name, wire type]. */
const MODEL_FIELDS: ReadonlyMap<number, readonly [string, number]> = new Map([
  [1, ['ir_version', VARINT]], [2, ['producer_name', LENGTH_DELIMITED]], [3, ['producer_version', LENGTH_DELIMITED]],
  [4, ['domain', LENGTH_DELIMITED]], [5, ['model_version', VARINT]], [6, ['doc_string', LENGTH_DELIMITED]],
  [7, ['graph', LENGTH_DELIMITED]], [8, ['opset_import', LENGTH_DELIMITED]], [14, ['metadata_props', LENGTH_DELIMITED]],
  [20, ['training_info', LENGTH_DELIMITED]], [25, ['functions', LENGTH_DELIMITED]], [26, ['configuration', LENGTH_DELIMITED]],
]);

/** Throws a one-line QuiltError unless `bytes` look like a complete ONNX ModelProto; `label` names the file. */
export function checkModelEnvelope(bytes: Uint8Array, label: string): void {
  if (bytes.length === 0) throw new QuiltError(`${label}: not an ONNX file (it is empty)`);
  let pos = 0;
  let sawGraph = false;
  const truncated = (what: string): QuiltError =>
    new QuiltError(`${label}: truncated ONNX file (${what} at byte ${pos} runs past the end, ${bytes.length} bytes)`);
  const readVarint = (what: string): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) throw truncated(what);
      const b = bytes[pos++];
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result;
    }
    throw new QuiltError(`${label}: not an ONNX file (malformed varint at byte ${pos})`);
  };
  while (pos < bytes.length) {
    const tagAt = pos;
    const tag = readVarint('a field tag');
    const field = MODEL_FIELDS.get(Math.floor(tag / 8));
    if (field === undefined || field[1] !== tag % 8) {
      throw new QuiltError(`${label}: not an ONNX file (unexpected protobuf field ${Math.floor(tag / 8)}/wire type ${tag % 8} at byte ${tagAt})`);
    }
    if (field[1] === VARINT) {
      readVarint(`field ${field[0]}`);
      continue;
    }
    const length = readVarint(`the length of field ${field[0]}`);
    if (pos + length > bytes.length) {
      throw new QuiltError(
        `${label}: truncated ONNX file (field ${field[0]} at byte ${tagAt} needs ${length} bytes, only ${bytes.length - pos} remain)`,
      );
    }
    pos += length;
    if (field[0] === 'graph') sawGraph = true;
  }
  if (!sawGraph) throw new QuiltError(`${label}: not an ONNX model (it has no graph)`);
}
