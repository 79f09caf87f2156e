/**
 * `quilt verify --triton <dir>`: runs each ensemble of an exported repository the way Triton would, from what its
 * config.pbtxt files say, and compares the ensemble's outputs with the whole model's.
 *
 * Stages: every model folder's config.pbtxt is parsed (text-format.ts) and checked against model_config.proto
 * (schema.ts); for each ensemble, the whole model is reopened from quilt-export.json's mix entry and given seeded
 * random inputs (its input values where the workload has some); the ensemble's inputs must be the whole model's
 * (names, data types, dims); then its steps run as their inputs become available (Triton's order), each step's
 * model loaded from `<model>/<version>/model.onnx` (version -1: the highest), its config's inputs and outputs
 * checked against the ONNX model's, its feeds and results taken through input_map and output_map. A repository
 * that does not hold together (a missing model, a tensor nothing produces, names that do not match) is a one-line
 * QuiltError naming the file; a numeric difference is a result with ok: false. The tolerance rule is
 * experiment/verify.ts's, over the data types of the steps' tensors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { QuiltError, oneLine } from '../../core/errors';
import { DType } from '../../core/dtype';
import { writeModel } from '../../onnx/write';
import { Backend, TensorHandle } from '../../runtime/backend';
import { randomFeeds } from '../../runtime/feeds';
import { MixEntry } from '../../workload';
import { compareOutputs, dtypesTolerance } from '../verify';
import { openMixModel } from '../workspace';
import { dtypeOfTriton } from './config';
import { MANIFEST_FILE, ManifestModel } from './export';
import { schemaProblem, modelConfigType } from './schema';
import { parseTextFormat, TextFormatError } from './text-format';

interface TensorConfig { readonly name: string; readonly data_type: string; readonly dims: readonly number[] }
interface Step { readonly model_name: string; readonly model_version?: number; readonly input_map?: Record<string, string>; readonly output_map?: Record<string, string> }
interface ModelConfig {
  readonly name?: string;
  readonly platform?: string;
  readonly default_model_filename?: string;
  readonly input?: readonly TensorConfig[];
  readonly output?: readonly TensorConfig[];
  readonly ensemble_scheduling?: { readonly step?: readonly Step[] };
}

export interface TritonModelCheck {
  readonly model: string;
  readonly steps: number;
  readonly maxAbsDiff: number;
  readonly maxRelDiff: number;
  readonly tolerance: number;
  readonly ok: boolean;
}

export interface TritonVerifyOptions {
  readonly seed?: number;
  /** Normwise relative tolerance; default: the rule of experiment/verify.ts over the steps' data types. */
  readonly tolerance?: number;
}

/** Every model folder's config, parsed and checked; the key is the folder's name. */
export function readRepositoryConfigs(dir: string): Map<string, ModelConfig> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new QuiltError(`--triton: '${dir}' is not a folder`);
  const type = modelConfigType();
  const configs = new Map<string, ModelConfig>();
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, 'config.pbtxt');
    if (!fs.existsSync(file)) continue;
    let config: Record<string, unknown>;
    try {
      config = parseTextFormat(type, fs.readFileSync(file, 'utf8'));
    } catch (error) {
      if (error instanceof TextFormatError) throw new QuiltError(`${file}: ${error.message}`);
      throw error;
    }
    const problem = schemaProblem(config);
    if (problem !== undefined) throw new QuiltError(`${file}: Triton's model_config.proto rejects it: ${problem}`);
    if (config.name !== undefined && config.name !== name) throw new QuiltError(`${file}: name '${String(config.name)}' is not its folder's name '${name}'`);
    configs.set(name, config as ModelConfig);
  }
  return configs;
}

function readManifest(dir: string): ManifestModel[] {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) throw new QuiltError(`--triton: '${dir}' has no ${MANIFEST_FILE} (it was not written by quilt export triton)`);
  try {
    const models = (JSON.parse(fs.readFileSync(file, 'utf8')) as { models?: unknown }).models;
    if (!Array.isArray(models)) throw new Error('no models list');
    return models as ManifestModel[];
  } catch (error) {
    throw new QuiltError(`${file}: not a quilt export manifest (${oneLine(error)})`);
  }
}

/** The model file a step runs: version -1 is the highest numbered version folder. */
function stepModelFile(dir: string, config: ModelConfig, name: string, version: number): string {
  const folder = path.join(dir, name);
  const versions = fs.readdirSync(folder).filter((v) => /^\d+$/.test(v)).map(Number);
  const chosen = version === -1 || version === undefined ? Math.max(...versions) : version;
  const file = path.join(folder, String(chosen), config.default_model_filename ?? 'model.onnx');
  if (!versions.includes(chosen) || !fs.existsSync(file)) throw new QuiltError(`${path.join(folder, 'config.pbtxt')}: no model file ${file} for version ${version}`);
  return file;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
}

function checkTensor(where: string, config: TensorConfig, t: TensorHandle): void {
  const dtype = dtypeOfTriton(config.data_type);
  if (dtype !== t.type || config.dims.length !== t.dims.length || config.dims.some((d, i) => d !== -1 && d !== t.dims[i])) {
    throw new QuiltError(`${where}: tensor '${config.name}' is ${config.data_type} [${config.dims.join(', ')}] in the config but ${t.type} [${t.dims.join(', ')}] in the run`);
  }
}

async function runEnsemble(dir: string, configs: Map<string, ModelConfig>, ensemble: string, feeds: Record<string, TensorHandle>, backend: Backend) {
  const config = configs.get(ensemble)!;
  const where = path.join(dir, ensemble, 'config.pbtxt');
  const tensors = new Map<string, TensorHandle>();
  for (const input of config.input ?? []) {
    const t = feeds[input.name];
    if (t === undefined) throw new QuiltError(`${where}: ensemble input '${input.name}' is not an input of the whole model`);
    checkTensor(where, input, t);
    tensors.set(input.name, t);
  }
  const pending = [...(config.ensemble_scheduling?.step ?? [])];
  const dtypes: DType[] = [];
  let steps = 0;
  while (pending.length > 0) {
    const at = pending.findIndex((s) => Object.values(s.input_map ?? {}).every((t) => tensors.has(t)));
    if (at < 0) {
      const missing = Object.values(pending[0].input_map ?? {}).find((t) => !tensors.has(t));
      throw new QuiltError(`${where}: step '${pending[0].model_name}' needs ensemble tensor '${missing}', which no input or step produces`);
    }
    const [step] = pending.splice(at, 1);
    const stepConfig = configs.get(step.model_name);
    if (stepConfig === undefined) throw new QuiltError(`${where}: step model '${step.model_name}' is not in the repository`);
    const stepWhere = path.join(dir, step.model_name, 'config.pbtxt');
    const session = await backend.load(fs.readFileSync(stepModelFile(dir, stepConfig, step.model_name, step.model_version ?? -1)));
    try {
      const ins = stepConfig.input ?? [];
      const outs = stepConfig.output ?? [];
      if (!sameNames(ins.map((i) => i.name), session.inputNames) || !sameNames(outs.map((o) => o.name), session.outputNames)) {
        throw new QuiltError(`${stepWhere}: its inputs and outputs are not the ONNX model's (${session.inputNames.join(', ')} -> ${session.outputNames.join(', ')})`);
      }
      for (const t of [...ins, ...outs]) dtypes.push(dtypeOfTriton(t.data_type) ?? 'float32');
      const stepFeeds: Record<string, TensorHandle> = {};
      for (const [key, value] of Object.entries(step.input_map ?? {})) {
        const input = ins.find((i) => i.name === key);
        if (input === undefined) throw new QuiltError(`${where}: step '${step.model_name}' maps '${key}', which is not one of its inputs`);
        checkTensor(stepWhere, input, tensors.get(value)!);
        stepFeeds[key] = tensors.get(value)!;
      }
      const results = await session.run(stepFeeds);
      for (const [key, value] of Object.entries(step.output_map ?? {})) {
        const output = outs.find((o) => o.name === key);
        if (output === undefined || results[key] === undefined) throw new QuiltError(`${where}: step '${step.model_name}' maps '${key}', which is not one of its outputs`);
        checkTensor(stepWhere, output, results[key]);
        tensors.set(value, results[key]);
      }
      steps++;
    } finally {
      await session.dispose();
    }
  }
  const outputs: Record<string, ort.Tensor> = {};
  for (const output of config.output ?? []) {
    const t = tensors.get(output.name);
    if (t === undefined) throw new QuiltError(`${where}: ensemble output '${output.name}' is produced by no step`);
    checkTensor(where, output, t);
    outputs[output.name] = t as ort.Tensor;
  }
  return { outputs, steps, dtypes };
}

/** Runs every ensemble of the repository on `backend` and compares it with its whole model. */
export async function verifyTritonRepository(dir: string, backend: Backend, options: TritonVerifyOptions = {}): Promise<TritonModelCheck[]> {
  const configs = readRepositoryConfigs(dir);
  const manifest = readManifest(dir);
  const ensembles = [...configs].filter(([, c]) => c.platform === 'ensemble').map(([name]) => name);
  if (ensembles.length === 0) throw new QuiltError(`--triton: '${dir}' holds no ensemble (no config.pbtxt with platform "ensemble")`);
  const checks: TritonModelCheck[] = [];
  for (const ensemble of ensembles) {
    const entry: MixEntry | undefined = manifest.find((m) => m.ensemble === ensemble)?.entry;
    if (entry === undefined) throw new QuiltError(`${path.join(dir, MANIFEST_FILE)}: names no whole model for ensemble '${ensemble}'`);
    const model = await openMixModel(entry);
    const feeds = randomFeeds(model.graph, backend, options.seed ?? 7, model.inputValues);
    const whole = await backend.load(writeModel(model.graph));
    const expected = (await whole.run(feeds)) as Record<string, ort.Tensor>;
    await whole.dispose();
    const names = model.graph.outputs.map((v) => model.graph.values[v].name);
    const configured = (configs.get(ensemble)!.output ?? []).map((o) => o.name);
    if (!sameNames(names, configured)) throw new QuiltError(`${path.join(dir, ensemble, 'config.pbtxt')}: outputs ${configured.join(', ')} are not the whole model's (${names.join(', ')})`);
    const run = await runEnsemble(dir, configs, ensemble, feeds, backend);
    const { maxAbsDiff, maxRelDiff } = compareOutputs(expected, run.outputs, names);
    const tolerance = options.tolerance ?? dtypesTolerance(run.dtypes).tolerance;
    checks.push({ model: ensemble, steps: run.steps, maxAbsDiff, maxRelDiff, tolerance, ok: maxRelDiff <= tolerance });
  }
  return checks;
}
