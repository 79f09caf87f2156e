/**
 * The runtime memory rules of a GPU backend (the simulated GPUs, webgpu, cuda), as `runtime-memory.ts` states them
 * for the CPU provider. Each rule comes from how onnxruntime's CUDA provider registers its kernels, not from fitting:
 *
 *   views      Reshape, Flatten, Squeeze, Unsqueeze, Identity and Dropout (inference) are registered with
 *              `Alias(0, 0)` (onnxruntime/core/providers/cuda/tensor/{reshape,flatten,squeeze,unsqueeze,identity_op}.cc):
 *              the output is the input's buffer, so they take no new memory where the input dies at the node.
 *   in-place   Elu, HardSigmoid, LeakyRelu, Relu, Selu, Sigmoid, Softplus, Softsign, Tanh and ThresholdedRelu are
 *              registered with `MayInplace(0, 0)` (cuda/activation/activations.cc): the allocation planner writes the
 *              output into a same-size input that dies at the node. The CUDA provider's unary and binary element-wise
 *              kernels (Add, Mul, Exp, Erf, ...; cuda/math/*_elementwise_ops.cc) and Clip are not: they get new buffers.
 *   feeds      A session's inputs are the caller's buffers, live to the session's end (as on the CPU provider).
 *   context    The CUDA context takes device memory once per process before any tensor (552 MB measured on a lent
 *              H200, 2026-12-04: ../shared/gpu-measurements/h200-2026-12-04): `contextBytes`, shown beside a budget,
 *              paid by no task (one process serves every task).
 *   not here   No NCHWc layout, im2col or pre-packing (CPU provider terms). Convolution workspaces: cuDNN's
 *              workspace is scratch memory of the provider's arena; the H200 measurements show none above the
 *              liveness peak that a rule could attribute to it (README, "GPU memory rules"), so none is counted.
 * Where the rules are applied (a task's demand, a model's peak) is partition/demand.ts, which reads these switches.
 */
import { LIVENESS_ONLY, RuntimeMemoryModel } from './runtime-memory';

/** onnxruntime CUDA provider: kernels registered with Alias(0, 0) (views). */
export const CUDA_ALIAS_OPS: ReadonlySet<string> = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout']);

/** onnxruntime CUDA provider: kernels registered with MayInplace(0, 0) (activations). */
export const CUDA_MAY_INPLACE_OPS: ReadonlySet<string> = new Set([
  'Elu', 'HardSigmoid', 'LeakyRelu', 'Relu', 'Selu', 'Sigmoid', 'Softplus', 'Softsign', 'Tanh', 'ThresholdedRelu',
]);

const GPU_REUSE_OPS: ReadonlySet<string> = new Set([...CUDA_ALIAS_OPS, ...CUDA_MAY_INPLACE_OPS]);

export interface GpuRuntimeOptions {
  /** Names the backend in plans (e.g. 'sim:h200', 'cuda'). */
  readonly name: string;
  /** Device memory of the runtime's context (per process, paid by no task). */
  readonly contextBytes?: number;
  /** No device memory of its own (a simulated CPU): the liveness definition. */
  readonly none?: boolean;
}

export function gpuRuntimeMemory(options: GpuRuntimeOptions): RuntimeMemoryModel {
  if (options.none) return LIVENESS_ONLY;
  return {
    name: `gpu rules (${options.name}: onnxruntime CUDA provider's views and in-place activations, feeds live to the end)`,
    inPlace: true, inPlaceOps: GPU_REUSE_OPS, feedsLiveToEnd: true, nchwcBlock: 1, im2col: false, prepack: false, threads: 1, sessionBytes: 0,
    ...(options.contextBytes !== undefined ? { contextBytes: options.contextBytes } : {}),
  };
}
