/**
 * `quilt export triton`: a workload's quilt plans as a Triton model repository whose rate limiter holds the
 * memory budget. Stages:
 *  1. the output folder is checked (repository-folder.ts) before anything is computed;
 *  2. the workload's models are opened and planned by the Workspace (quilt granularity at the threshold, clamped
 *     to the smallest feasible one, demands with the backend's runtime memory) and each plan validated;
 *  3. each task's count of the memory resource is ceil(peakActivationBytes / unit) (config.ts), and budget.ts's
 *     rule, over those counts in bytes with no pool, says whether every task fits in the budget
 *     (BudgetTooSmallError otherwise); the budget's units are floor(budget / unit), so a task fits exactly when
 *     count x unit <= budget;
 *  4. every config is built, checked against Triton's model_config.proto (schema.ts: a rejection is a bug,
 *     TritonSchemaError) and rendered in the text format; then the task models (partition/build.ts), the configs,
 *     SERVE.md and quilt-export.json (what `quilt verify --triton` reopens the whole models from) are written into
 *     a temporary folder that takes the output's place at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QuiltError } from '../../core/errors';
import { RuntimeMemoryModel } from '../../memory/runtime-memory';
import { PartitionPlan } from '../../partition/plan';
import { validate } from '../../partition/validate';
import { budgetNeed, checkBudget } from '../../schedule/budget';
import { MixEntry, WorkloadSpec } from '../../workload';
import { ZOO_MODELS } from '../../zoo';
import { DEFAULT_THRESHOLD, Workspace } from '../workspace';
import { ensembleConfig, InstanceKind, resourceCount, resourceName, taskConfig, taskModelName } from './config';
import { checkModelConfig, modelConfigType } from './schema';
import { serveCommand, serveMarkdown } from './serve';
import { renderTextFormat } from './text-format';
import { checkOutFolder, writeFolderAtomic } from './repository-folder';

/** The file at the repository's top level that says how it was made and where its whole models come from. */
export const MANIFEST_FILE = 'quilt-export.json';

export interface TritonExportOptions {
  readonly workload: string | WorkloadSpec;
  readonly budget: number | string;
  /** Quilt's per-model threshold (default 50% of each model's peak). */
  readonly threshold?: number | string;
  /** The backend whose demands the plans use (its name, for the notes) and its runtime memory model. */
  readonly backend: string;
  readonly runtime?: RuntimeMemoryModel;
  readonly kind: InstanceKind;
  /** MiB per unit of the resource (default 1). */
  readonly unitMiB?: number;
  readonly out: string;
  readonly force?: boolean;
}

export interface ExportedTask {
  readonly name: string;
  readonly resource: string;
  readonly count: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface ExportedModel {
  readonly model: string;
  readonly ensemble: string;
  readonly tasks: readonly ExportedTask[];
}

export interface TritonExport {
  readonly repository: string;
  readonly models: readonly ExportedModel[];
  readonly serve: string;
  readonly budgetBytes: number;
  readonly resource: string;
  /** The budget in units per device. */
  readonly units: number;
}

/** What quilt-export.json holds for one ensemble: the mix entry that reopens its whole model. */
export interface ManifestModel {
  readonly ensemble: string;
  readonly entry: MixEntry;
}

export function checkUnitMiB(unitMiB: number): number {
  if (!Number.isInteger(unitMiB) || unitMiB <= 0) throw new QuiltError(`--unit-mib: '${unitMiB}' is not a positive whole number of MiB`);
  return unitMiB;
}

/** The mix entry as a file can hold it: a zoo name, or the absolute path of the .onnx file. */
function portableEntry(entry: MixEntry): MixEntry {
  const isZoo = ZOO_MODELS.some((m) => m.name === entry.model);
  return isZoo ? entry : { ...entry, model: path.resolve(entry.model) };
}

function checkNames(ws: Workspace, plans: ReadonlyMap<string, PartitionPlan>): void {
  const seen = new Map<string, string>();
  for (const [entry, plan] of plans) {
    for (const name of [entry, ...plan.tasks.map((t) => taskModelName(entry, t.index, plan.tasks.length))]) {
      if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) {
        throw new QuiltError(`workload '${ws.spec.name}': model name '${name}' cannot be a Triton model folder (letters, digits, _ . - only)`);
      }
      const other = seen.get(name);
      if (other !== undefined) throw new QuiltError(`workload '${ws.spec.name}': Triton model name '${name}' is used by both '${other}' and '${entry}'`);
      seen.set(name, entry);
    }
  }
}

export async function exportTriton(options: TritonExportOptions): Promise<TritonExport> {
  const unitMiB = checkUnitMiB(options.unitMiB ?? 1);
  const unitBytes = unitMiB * 2 ** 20;
  checkOutFolder(options.out, options.force === true);
  const ws = await Workspace.open(options.workload, { runtime: options.runtime });
  const budgetBytes = ws.budgetBytes(options.budget);
  const units = Math.floor(budgetBytes / unitBytes);
  if (units > 2 ** 32 - 1) throw new QuiltError(`--budget: ${units} units of ${unitMiB} MiB exceed what a Triton resource counts (2^32 - 1); give a finite budget or a larger --unit-mib`);
  const plans = ws.plansAt('quilt', options.threshold ?? DEFAULT_THRESHOLD, options.runtime);
  plans.forEach((plan) => validate(plan));
  checkNames(ws, plans);
  const counts = new Map([...plans].map(([entry, plan]) => [entry, plan.tasks.map((t) => resourceCount(t, unitBytes))]));
  checkBudget(budgetNeed([...counts].map(([model, c]) => ({ model, taskDemands: c.map((n) => n * unitBytes), poolBytes: 0 })), false), budgetBytes);

  const repository = path.resolve(options.out);
  const resource = resourceName(unitMiB);
  const type = modelConfigType();
  const configs: { readonly rel: string; readonly text: string }[] = [];
  const models: ExportedModel[] = [];
  const serveModels = [];
  const manifest: ManifestModel[] = [];
  for (const [entry, plan] of plans) {
    const names = plan.tasks.map((t) => taskModelName(entry, t.index, plan.tasks.length));
    const taskCounts = counts.get(entry)!;
    const tasks = plan.tasks.map((t, i): ExportedTask => ({
      name: names[i], resource, count: taskCounts[i],
      inputs: t.inputs.map((v) => plan.graph.values[v].name), outputs: t.outputs.map((v) => plan.graph.values[v].name),
    }));
    plan.tasks.forEach((t, i) => {
      const config = taskConfig(plan, t, { name: names[i], kind: options.kind, resource, count: taskCounts[i] });
      checkModelConfig(names[i], config);
      configs.push({ rel: path.join(names[i], 'config.pbtxt'), text: renderTextFormat(type, config) });
    });
    const ensemble = ensembleConfig(plan, entry, names);
    checkModelConfig(entry, ensemble);
    configs.push({ rel: path.join(entry, 'config.pbtxt'), text: renderTextFormat(type, ensemble) });
    const mix = ws.spec.models.find((m) => m.name === entry)!;
    models.push({ model: mix.model, ensemble: entry, tasks });
    manifest.push({ ensemble: entry, entry: portableEntry(mix) });
    serveModels.push({
      ensemble: entry, model: mix.model,
      tasks: plan.tasks.map((t, i) => ({ name: names[i], count: taskCounts[i], weightBytes: t.weightBytes + (t.runtimeBytes ?? 0), activationBytes: t.peakActivationBytes })),
    });
  }
  const facts = {
    repository, resource, unitMiB, units, budgetBytes, backend: options.backend, runtime: options.runtime?.name ?? 'liveness only',
    kind: options.kind, workload: ws.spec.name, models: serveModels,
  };
  await writeFolderAtomic(options.out, options.force === true, async (folder) => {
    for (const c of configs) { // every model folder gets its version folder 1/ (an ensemble's stays empty)
      fs.mkdirSync(path.join(folder, path.dirname(c.rel), '1'), { recursive: true });
      fs.writeFileSync(path.join(folder, c.rel), c.text);
    }
    // Task models one plan at a time (built now, dropped after: each plan's hold a copy of its model's weights).
    for (const [entry, plan] of plans) {
      const names = models.find((m) => m.ensemble === entry)!.tasks.map((t) => t.name);
      for (const [i, task] of ws.taskModels(plan).entries()) await fs.promises.writeFile(path.join(folder, names[i], '1', 'model.onnx'), task.bytes);
    }
    fs.writeFileSync(path.join(folder, 'SERVE.md'), serveMarkdown(facts));
    fs.writeFileSync(path.join(folder, MANIFEST_FILE), `${JSON.stringify({
      writtenBy: 'quilt export triton', workload: ws.spec.name, backend: options.backend, runtime: facts.runtime,
      threshold: options.threshold ?? DEFAULT_THRESHOLD, budgetBytes, unitMiB, resource, units, models: manifest,
    }, null, 2)}\n`);
  });
  return { repository, models, serve: serveCommand(facts), budgetBytes, resource, units };
}
