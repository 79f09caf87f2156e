/**
 * What a model reference names, decided here once for the command line, the notebooks and workload specs:
 * `zoo:<name>`, or a bare name (no folder, no .onnx), is a zoo model; a path ending in .onnx is a file, and the
 * model is named by the file's base name. Anything else names nothing (undefined): the caller says where it was.
 */
import * as path from 'node:path';

export type ModelRef =
  | { readonly kind: 'zoo'; readonly name: string }
  | { readonly kind: 'file'; readonly file: string; readonly name: string };

const ONNX = /\.onnx$/i;

export function parseModelRef(ref: string): ModelRef | undefined {
  if (ref.startsWith('zoo:')) return { kind: 'zoo', name: ref.slice('zoo:'.length) };
  if (ONNX.test(ref)) return { kind: 'file', file: ref, name: path.basename(ref).replace(ONNX, '') };
  if (ref.length > 0 && !/[\\/]/.test(ref)) return { kind: 'zoo', name: ref };
  return undefined;
}
