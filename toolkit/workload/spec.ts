/**
 * Workload specs: the JSON files in datasets/workloads/ (schema in datasets/workloads/README.md), parsed and
 * checked into a WorkloadSpec. Every problem is a QuiltError naming the file and the field
 * (e.g. "quick.json: arrival.rateRps: -2 must be a positive number of requests per second").
 * Unknown fields are errors too, so a typo does not silently fall back to a default.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { QuiltError, oneLine } from '../core/errors';
import { ZOO_MODELS } from '../zoo/registry';
import { parseModelRef } from '../zoo/model-ref';

/** One model of the mix. Requests name it by `name`. */
export interface MixEntry {
  /** Unique within the workload; defaults to `model` (or the .onnx file's base name). */
  readonly name: string;
  /** A zoo model name, or a path to an .onnx file (relative to the spec's folder). */
  readonly model: string;
  readonly batch: number;
  /** Sequence length for transformers; undefined when not given. */
  readonly seq: number | undefined;
  /** Relative share of the requests (>= 0). */
  readonly share: number;
  /** Values of graph inputs by name, as `--input-value` gives them (one value fills the tensor); {} when none. */
  readonly inputValues: Readonly<Record<string, readonly number[]>>;
}

export type ArrivalSpec =
  | { readonly process: 'closed'; readonly clients: number; readonly thinkMs: number }
  | { readonly process: 'poisson'; readonly rateRps: number }
  /** `path` is resolved against the spec's folder when loaded from a file. */
  | { readonly process: 'trace'; readonly path: string };

export interface WorkloadSpec {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  /** Number of requests; for a trace, undefined means every row. */
  readonly requests: number | undefined;
  readonly arrival: ArrivalSpec;
  readonly models: readonly MixEntry[];
}

export interface SpecOptions {
  /** Where the spec came from, for error messages (a file name). */
  readonly source?: string;
  /** Model names a mix may use besides .onnx paths (default: the zoo's). */
  readonly knownModels?: readonly string[];
  /** Folder that relative .onnx and trace paths are resolved against (default: left as written). */
  readonly baseDir?: string;
}

export const DEFAULT_KNOWN_MODELS: readonly string[] = ZOO_MODELS.map((m) => m.name);

type Json = Record<string, unknown>;

class Fields {
  constructor(private readonly where: string) {}

  fail(field: string, problem: string): never {
    throw new QuiltError(`${this.where}: ${field}${problem}`);
  }

  object(value: unknown, field: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, ' must be an object');
    return value as Json;
  }

  onlyKeys(obj: Json, field: string, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        this.fail(`${field}${field ? '.' : ''}${key}`, ` is not a known field (known: ${allowed.join(', ')})`);
      }
    }
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(field, ' must be a non-empty string');
    return value;
  }

  integer(value: unknown, field: string, min: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      this.fail(field, `: ${JSON.stringify(value)} must be an integer >= ${min}`);
    }
    return value;
  }

  number(value: unknown, field: string, min: number, strict: boolean, unit: string): number {
    const ok = typeof value === 'number' && Number.isFinite(value) && (strict ? value > min : value >= min);
    if (!ok) {
      const bound = strict ? (min === 0 ? 'a positive number' : `a number > ${min}`) : `a number >= ${min}`;
      this.fail(field, `: ${JSON.stringify(value)} must be ${bound}${unit}`);
    }
    return value as number;
  }
}

export function parseWorkloadSpec(json: unknown, options: SpecOptions = {}): WorkloadSpec {
  const where = options.source ?? 'workload';
  const f = new Fields(where);
  const known = options.knownModels ?? DEFAULT_KNOWN_MODELS;
  const top = f.object(json, '(top level)');
  f.onlyKeys(top, '', ['name', 'description', 'seed', 'requests', 'arrival', 'models']);
  const fallbackName = options.source ? path.basename(options.source).replace(/\.json$/i, '') : 'workload';
  const name = top.name === undefined ? fallbackName : f.string(top.name, 'name');
  const description = top.description === undefined ? '' : f.string(top.description, 'description');
  const seed = top.seed === undefined ? 0 : f.integer(top.seed, 'seed', 0);
  const arrival = parseArrival(f, top.arrival, options.baseDir);
  let requests: number | undefined;
  if (top.requests !== undefined) requests = f.integer(top.requests, 'requests', 1);
  else if (arrival.process !== 'trace') f.fail('requests', ' is missing (a positive integer)');
  const models = parseMix(f, top.models, known, options.baseDir);
  return { name, description, seed, requests, arrival, models };
}

function parseArrival(f: Fields, value: unknown, baseDir: string | undefined): ArrivalSpec {
  if (value === undefined) f.fail('arrival', ' is missing (an object with a "process")');
  const a = f.object(value, 'arrival');
  switch (a.process) {
    case 'closed':
      f.onlyKeys(a, 'arrival', ['process', 'clients', 'thinkMs']);
      return {
        process: 'closed',
        clients: f.integer(a.clients, 'arrival.clients', 1),
        thinkMs: a.thinkMs === undefined ? 0 : f.number(a.thinkMs, 'arrival.thinkMs', 0, false, ' (ms)'),
      };
    case 'poisson':
      f.onlyKeys(a, 'arrival', ['process', 'rateRps']);
      return {
        process: 'poisson',
        rateRps: f.number(a.rateRps, 'arrival.rateRps', 0, true, ' of requests per second'),
      };
    case 'trace': {
      f.onlyKeys(a, 'arrival', ['process', 'path']);
      const p = f.string(a.path, 'arrival.path');
      return { process: 'trace', path: baseDir ? path.resolve(baseDir, p) : p };
    }
    default:
      return f.fail('arrival.process', `: ${JSON.stringify(a.process)} must be "closed", "poisson" or "trace"`);
  }
}

function parseMix(f: Fields, value: unknown, known: readonly string[], baseDir: string | undefined): MixEntry[] {
  if (!Array.isArray(value) || value.length === 0) f.fail('models', ' must be a non-empty array');
  const entries: MixEntry[] = [];
  const names = new Set<string>();
  value.forEach((item, i) => {
    const at = `models[${i}]`;
    const e = f.object(item, at);
    f.onlyKeys(e, at, ['name', 'model', 'batch', 'seq', 'share', 'inputValues']);
    let model = f.string(e.model, `${at}.model`);
    const ref = parseModelRef(model);
    if (ref === undefined || (ref.kind === 'zoo' && !known.includes(ref.name))) {
      f.fail(`${at}.model`, `: '${model}' is not a known model (known: ${known.join(', ')}) nor an .onnx path`);
    }
    const name = e.name === undefined ? ref!.name : f.string(e.name, `${at}.name`);
    if (ref!.kind === 'file' && baseDir) model = path.resolve(baseDir, model);
    if (names.has(name)) f.fail(`${at}.name`, `: '${name}' is used twice (give each entry a distinct "name")`);
    names.add(name);
    entries.push({
      name,
      model,
      batch: e.batch === undefined ? 1 : f.integer(e.batch, `${at}.batch`, 1),
      seq: e.seq === undefined ? undefined : f.integer(e.seq, `${at}.seq`, 1),
      share: e.share === undefined ? 1 : f.number(e.share, `${at}.share`, 0, false, ''),
      inputValues: e.inputValues === undefined ? {} : parseInputValues(f, e.inputValues, `${at}.inputValues`),
    });
  });
  if (!entries.some((e) => e.share > 0)) f.fail('models', ': every share is 0; at least one must be positive');
  return entries;
}

/** `{"sample_rate": 16000, "mask": [1, 0, 1]}`: a number or a non-empty list of numbers (booleans as 0/1) per input. */
function parseInputValues(f: Fields, value: unknown, at: string): Record<string, number[]> {
  const obj = f.object(value, at);
  const out: Record<string, number[]> = {};
  for (const [name, v] of Object.entries(obj)) {
    const list = Array.isArray(v) ? v : [v];
    const numbers = list.map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : x));
    if (numbers.length === 0 || !numbers.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      f.fail(`${at}.${name}`, `: ${JSON.stringify(v)} must be a number or a non-empty list of numbers`);
    }
    out[name] = numbers as number[];
  }
  return out;
}

/** Reads and checks a spec file; relative paths inside it are resolved against its folder. */
export function loadWorkloadSpec(file: string, options: Omit<SpecOptions, 'source' | 'baseDir'> = {}): WorkloadSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new QuiltError(`workload ${file}: cannot read it (${oneLine(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new QuiltError(`${file}: not valid JSON (${oneLine(error)})`);
  }
  return parseWorkloadSpec(json, { ...options, source: file, baseDir: path.dirname(file) });
}
