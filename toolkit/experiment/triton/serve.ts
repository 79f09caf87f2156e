/**
 * What `quilt export triton` writes beside the models: the tritonserver command that makes Triton's rate limiter
 * hold the memory budget, and SERVE.md, which says what that mapping guarantees and what it does not.
 */
import { formatBytes } from '../../core/units';

export interface ServeTask {
  readonly name: string;
  readonly count: number;
  readonly weightBytes: number;
  readonly activationBytes: number;
}

export interface ServeModel {
  readonly ensemble: string;
  readonly model: string;
  readonly tasks: readonly ServeTask[];
}

export interface ServeFacts {
  readonly repository: string;
  readonly resource: string;
  readonly unitMiB: number;
  /** Units of the resource per device: floor(budget / unit). */
  readonly units: number;
  readonly budgetBytes: number;
  readonly backend: string;
  readonly runtime: string;
  readonly kind: string;
  readonly workload: string;
  readonly models: readonly ServeModel[];
}

/** The exact command: the repository, the rate limiter on, and the budget as the resource's count on every device. */
export function serveCommand(facts: Pick<ServeFacts, 'repository' | 'resource' | 'units'>): string {
  return `tritonserver --model-repository=${facts.repository} --rate-limit=execution_count --rate-limit-resource=${facts.resource}:${facts.units}`;
}

export function serveMarkdown(facts: ServeFacts): string {
  const weights = facts.models.reduce((s, m) => s + m.tasks.reduce((t, k) => t + k.weightBytes, 0), 0);
  const rows = facts.models.map((m) => {
    const counts = m.tasks.map((t) => t.count);
    const range = Math.min(...counts) === Math.max(...counts) ? `${counts[0]}` : `${Math.min(...counts)}-${Math.max(...counts)}`;
    return `| \`${m.ensemble}\` (${m.model}) | ${m.tasks.length} | ${range} | ${formatBytes(m.tasks.reduce((s, t) => s + t.weightBytes, 0))} |`;
  });
  return `# Serving this repository on Triton

Written by \`quilt export triton\` from workload \`${facts.workload}\`: one ensemble per model (send requests to the
ensemble's name), one onnxruntime model per task, each task instance asking Triton's rate limiter for units of the
resource \`${facts.resource}\` (1 unit = ${facts.unitMiB} MiB) equal to its predicted activation demand, rounded up.
Demands are the plan's for backend \`${facts.backend}\` (runtime memory model: ${facts.runtime}); instances are
\`${facts.kind}\`.

\`\`\`bash
${serveCommand(facts)}
\`\`\`

The budget, ${formatBytes(facts.budgetBytes)}, is ${facts.units} units per device. \`NAME:COUNT\` without a device gives
every device (each GPU, or the CPU) that count; for devices with different budgets give one flag per device,
\`--rate-limit-resource=${facts.resource}:<count>:<device>\`.

| ensemble (model) | tasks | units per task | weights, loaded by Triton |
|---|---|---|---|
${rows.join('\n')}

Weights of all tasks: ${formatBytes(weights)}.

## What the mapping guarantees

- Triton's rate limiter (\`--rate-limit=execution_count\`) starts a task instance only when the device holds enough
  free units for it, and frees them when the instance's execution ends. So on each device the task activations
  running at once never exceed the budget **as the plan predicts them** (the sum of their predicted peaks, each
  rounded up to a unit).
- Every task's count fits in the budget (checked at export); the cut tensors are ensemble tensors that Triton
  passes from step to step under their names in the whole model.

## What it does not guarantee

- **Weights stay loaded in Triton.** Triton loads every model of the repository at start and keeps it: the resource
  governs activations (and the cut tensors a running task reads and writes), not weight residency. The device must
  hold all weights (${formatBytes(weights)}, plus the runtime's own per-session memory) *besides* the budget; Quilt's
  weight eviction has no counterpart here.
- Cut tensors waiting between two steps of a request are held by Triton's ensemble scheduler and are not counted
  (Quilt's pool reserves them; the rate limiter cannot hold a resource across steps).
- The counts are predictions of this toolkit's memory model for \`${facts.backend}\`, not measurements under Triton's
  onnxruntime backend, whose execution provider, arena and options may use more or less.
- Triton's own memory, the CUDA context, request and response buffers and any dynamic batching (not configured:
  \`max_batch_size: 0\`, shapes fixed at the workload's batch) are outside the resource.

## What you must still do by hand

- Copy this folder to the server and run the command above (it names this folder's path at export time; change
  \`--model-repository\` if it moves). SERVE.md and quilt-export.json at the top level are not models.
- Check that the weights fit beside the budget on every device, choose the GPUs (\`instance_group.gpus\`) and
  instance counts if one instance per device is not what you want, and set \`priority\` if some tasks should win.
- Nothing here was run on a Triton server: \`quilt verify --triton <dir>\` executes the ensembles' steps from their
  config.pbtxt with onnxruntime-node on the CPU and compares them with the whole models.
`;
}
