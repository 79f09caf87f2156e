/**
 * Command-line arguments: a thin layer over Node's `util.parseArgs` that turns its errors into one-line
 * QuiltErrors and reads the flags several commands share (`--input name=1x3x224x224`, `--batch`, `--seq`).
 */
import { parseArgs } from 'node:util';
import { QuiltError, oneLine } from '../core/errors';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: Record<string, string | boolean | string[] | undefined>;
}

export function parseCommandArgs(command: string, argv: readonly string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv], options: { ...options, json: { type: 'boolean' } }, allowPositionals: true, strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new QuiltError(`${command}: ${oneLine(error).replace(/\. To specify .*$/, '')}`);
  }
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** `--<name> on|off` as a boolean; undefined when the flag is absent. */
export function onOffFlag(args: ParsedArgs, name: string): boolean | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  if (text === 'on') return true;
  if (text === 'off') return false;
  throw new QuiltError(`--${name}: '${text}' must be on or off`);
}

/** A positive whole number from a flag, or the default. */
export function intFlag(args: ParsedArgs, name: string, fallback: number): number {
  const text = stringFlag(args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new QuiltError(`--${name}: '${text}' is not a positive whole number`);
  return n;
}

/** Reads `--input name=1x3x224x224` flags into a name -> shape map. */
export function parseInputShapes(specs: readonly string[]): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const spec of specs) {
    const m = /^([^=]+)=(\d+(?:[x,]\d+)*)$/.exec(spec.trim());
    if (!m) throw new QuiltError(`--input: '${spec}' is not name=shape (example: --input input=1x3x224x224)`);
    shapes[m[1]] = m[2].split(/[x,]/).map(Number);
  }
  return shapes;
}

export function requirePositional(args: ParsedArgs, index: number, what: string, usage: string): string {
  const v = args.positionals[index];
  if (v === undefined) throw new QuiltError(`missing ${what} (usage: ${usage})`);
  return v;
}
