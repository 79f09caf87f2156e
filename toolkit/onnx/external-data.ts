/**
 * Reads tensors stored outside the model file (`data_location == EXTERNAL`): the entries `location`
 * (a path relative to the model's folder), `offset` and `length` (bytes; default 0 and "to the end").
 * Only the requested byte range is read, so a large data file is never held whole; files stay open until
 * `close()`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { QuiltError } from '../core/errors';

export class ExternalDataReader {
  private readonly open = new Map<string, { fd: number; size: number }>();

  /** `baseDir` is the folder that locations are relative to; `label` names the model in messages. */
  constructor(private readonly baseDir: string | undefined, private readonly label: string) {}

  static isExternal(tensor: onnx.ITensorProto): boolean {
    return tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
  }

  /** The bytes of an external tensor. */
  read(tensor: onnx.ITensorProto): Uint8Array {
    const entries = new Map<string, string>();
    for (const e of tensor.externalData ?? []) entries.set(e.key ?? '', e.value ?? '');
    const where = `${this.label}: tensor '${tensor.name ?? ''}'`;
    const location = entries.get('location');
    if (!location) throw new QuiltError(`${where} has external data without a 'location'`);
    if (this.baseDir === undefined) {
      throw new QuiltError(`${where} keeps its data in '${location}': pass options.baseDir to say which folder holds it`);
    }
    const offset = parseCount(entries.get('offset'), 0, `${where}: external data offset`);
    const file = this.file(path.resolve(this.baseDir, location), where);
    const length = parseCount(entries.get('length'), file.size - offset, `${where}: external data length`);
    if (offset + length > file.size) {
      throw new QuiltError(`${where} needs bytes ${offset}..${offset + length} of '${location}', but that file has ${file.size} bytes`);
    }
    const bytes = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(file.fd, bytes, done, length - done, offset + done);
      if (n === 0) throw new QuiltError(`${where}: '${location}' ended early while reading its data`);
      done += n;
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  close(): void {
    for (const { fd } of this.open.values()) fs.closeSync(fd);
    this.open.clear();
  }

  private file(fullPath: string, where: string): { fd: number; size: number } {
    let entry = this.open.get(fullPath);
    if (entry === undefined) {
      let fd: number;
      try {
        fd = fs.openSync(fullPath, 'r');
      } catch (e) {
        throw new QuiltError(`${where}: missing external data file '${fullPath}' (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      }
      entry = { fd, size: fs.fstatSync(fd).size };
      this.open.set(fullPath, entry);
    }
    return entry;
  }
}

function parseCount(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new QuiltError(`${what} '${text}' is not a byte count`);
  return n;
}
