/**
 * Triton's own schema for model configurations (`model_config.proto`, fetched from triton-inference-server/common
 * and kept beside this file with its source and licence), loaded with protobufjs at run time, and the check every
 * config goes through before it is rendered or after it is parsed.
 *
 * A config is a plain object in the proto's own field names (snake_case), enums by name, int64 as numbers, maps as
 * objects. `schemaProblem` walks it against the message type (a field the type lacks, a value of the wrong kind, an
 * enum name the enum lacks, two members of one oneof), then builds it as that message with protobufjs
 * (`fromObject`, `verify`, `encode`), and returns the first problem as one line, or undefined. protobufjs alone
 * would not do: `fromObject` drops unknown fields and maps unknown enum names to 0 without a word.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { findRepoRoot } from '../../core/paths';

export const MODEL_CONFIG_PROTO = path.join('toolkit', 'experiment', 'triton', 'model_config.proto');

let root: protobuf.Root | undefined;

/** The `inference` package of model_config.proto (parsed once: it is a constant file of the repository). */
export function tritonSchema(): protobuf.Root {
  if (root === undefined) {
    const file = path.join(findRepoRoot(), MODEL_CONFIG_PROTO);
    root = protobuf.parse(fs.readFileSync(file, 'utf8'), { keepCase: true }).root;
    root.resolveAll();
  }
  return root;
}

/** inference.ModelConfig, the message a config.pbtxt holds. */
export function modelConfigType(): protobuf.Type {
  return tritonSchema().lookupType('inference.ModelConfig');
}

const INT_RANGE: Readonly<Record<string, [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1], sint32: [-(2 ** 31), 2 ** 31 - 1], sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1], fixed32: [0, 2 ** 32 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], sint64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sfixed64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], uint64: [0, Number.MAX_SAFE_INTEGER], fixed64: [0, Number.MAX_SAFE_INTEGER],
};

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The problem with one value of a field's element type, or undefined. */
function valueProblem(field: protobuf.Field, value: unknown, where: string): string | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageProblem(resolved, value, where);
  if (resolved instanceof protobuf.Enum) {
    if (typeof value === 'string' && value in resolved.values) return undefined;
    return `${where}: ${JSON.stringify(value)} is not a value of enum ${resolved.fullName.slice(1)} (${Object.keys(resolved.values).slice(0, 6).join(', ')}, ...)`;
  }
  return scalarProblem(field.type, value, where);
}

function scalarProblem(type: string, value: unknown, where: string): string | undefined {
  const range = INT_RANGE[type];
  if (range !== undefined) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) return `${where}: ${JSON.stringify(value)} is not a ${type}`;
    return undefined;
  }
  if (type === 'string') return typeof value === 'string' ? undefined : `${where}: ${JSON.stringify(value)} is not a string`;
  if (type === 'bool') return typeof value === 'boolean' ? undefined : `${where}: ${JSON.stringify(value)} is not a bool`;
  if (type === 'float' || type === 'double') return typeof value === 'number' && Number.isFinite(value) ? undefined : `${where}: ${JSON.stringify(value)} is not a ${type}`;
  return `${where}: fields of type ${type} are not supported here`;
}

function messageProblem(type: protobuf.Type, value: unknown, where: string): string | undefined {
  if (!isPlainObject(value)) return `${where}: expected a ${type.name} message, got ${JSON.stringify(value)}`;
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const field = type.fields[key];
    const at = where === '' ? key : `${where}.${key}`;
    if (field === undefined) return `${at}: ${type.fullName.slice(1)} has no field '${key}'`;
    let problem: string | undefined;
    if (field.map) {
      if (!isPlainObject(v)) problem = `${at}: a map must be an object of ${(field as unknown as protobuf.MapField).keyType} keys`;
      else for (const [k, entry] of Object.entries(v)) if ((problem = valueProblem(field, entry, `${at}[${JSON.stringify(k)}]`)) !== undefined) break;
    } else if (field.repeated) {
      if (!Array.isArray(v)) problem = `${at}: a repeated field must be a list`;
      else for (const [i, entry] of v.entries()) if ((problem = valueProblem(field, entry, `${at}[${i}]`)) !== undefined) break;
    } else {
      problem = valueProblem(field, v, at);
    }
    if (problem !== undefined) return problem;
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter((name) => value[name] !== undefined);
    if (set.length > 1) return `${where === '' ? '' : `${where}: `}${set.join(' and ')} are one oneof (${oneof.name}): give one`;
  }
  return undefined;
}

/**
 * The first problem of `config` as a `typeName` message (default inference.ModelConfig), or undefined when the
 * schema takes it: walked field by field, then built, verified and encoded by protobufjs.
 */
export function schemaProblem(config: unknown, typeName = 'inference.ModelConfig'): string | undefined {
  const type = tritonSchema().lookupType(typeName);
  const problem = messageProblem(type, config, '');
  if (problem !== undefined) return problem;
  const message = type.fromObject(config as Record<string, unknown>);
  const verified = type.verify(message);
  if (verified !== null) return verified;
  type.encode(message).finish();
  return undefined;
}

/** A config the exporter made that Triton's schema rejects: a bug in the exporter, not the user's input. */
export class TritonSchemaError extends Error {
  constructor(readonly model: string, readonly problem: string) {
    super(`triton export: the config of '${model}' breaks Triton's model_config.proto: ${problem}`);
    this.name = 'TritonSchemaError';
  }
}

/** Throws TritonSchemaError when the schema rejects the config the exporter made for `model`. */
export function checkModelConfig(model: string, config: unknown): void {
  const problem = schemaProblem(config);
  if (problem !== undefined) throw new TritonSchemaError(model, problem);
}
