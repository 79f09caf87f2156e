/**
 * Byte sizes: parsing '64MiB', '1.5GiB', '2GB', '1048576' and formatting them back for people.
 * Binary units (KiB, MiB, GiB) are powers of 1024; decimal ones (KB, MB, GB) are powers of 1000.
 */
import { QuiltError } from './errors';

const UNITS: Readonly<Record<string, number>> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** Parses a byte count with an optional unit; `what` names the flag or field in the error message. */
export function parseBytes(text: string | number, what = 'size'): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new QuiltError(`${what}: ${text} is not a byte count`);
    return Math.floor(text);
  }
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? (m[2] === '' ? 1 : UNITS[m[2].toLowerCase()]) : undefined;
  if (!m || unit === undefined) {
    throw new QuiltError(`${what}: '${text}' is not a byte count (examples: 1048576, 64MiB, 1.5GiB, 2GB)`);
  }
  return Math.floor(Number(m[1]) * unit);
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) { value /= 1024; i++; }
  return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[i]}`;
}
