/**
 * A runtime whose host launches every kernel (PyTorch eager, onnxruntime without graph capture): the host spends
 * `hostPerKernelMs` on each launched operator and runs ahead of the device, which runs the kernels in order.
 *
 *   issue(i) = (i + 1) x hostPerKernel          (the host's launches, one after another; it never waits)
 *   end(i)   = max(issue(i), end(i - 1)) + device(i)
 *   alone    = end(last)
 * So a task of small kernels takes about kernels x hostPerKernel (host-bound) and one of large kernels about the
 * sum of its device times (device-bound). Of `alone`, `deviceMs` (the sum of device times) is the part that other
 * tasks' kernels can slow down (sharing.ts); the rest, `hostMs`, is the device waiting for the host, which a
 * task's own host thread pays whatever else runs. Operators that launch nothing (views) take no host time here.
 * Pure.
 */

export interface PipelineTime {
  /** end(last): the task's time alone. */
  readonly aloneMs: number;
  /** The sum of the device times. */
  readonly deviceMs: number;
  /** aloneMs - deviceMs: time the device waits for the host's launches. */
  readonly hostMs: number;
}

/** `deviceMs[i]` is operator i's device time; `launches[i]` whether it launches a kernel (the host pays for those). */
export function hostPipeline(deviceMs: readonly number[], launches: readonly boolean[], hostPerKernelMs: number): PipelineTime {
  let issue = 0;
  let end = 0;
  let device = 0;
  deviceMs.forEach((d, i) => {
    if (!launches[i]) return;
    issue += hostPerKernelMs;
    end = Math.max(issue, end) + d;
    device += d;
  });
  return { aloneMs: end, deviceMs: device, hostMs: end - device };
}
