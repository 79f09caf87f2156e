/**
 * Transfer accounting: the host<->device bytes a request moves, counted where they would move.
 * On a backend with device memory: the request's inputs (up), the weights uploaded on a cache miss or by a
 * prefetch, the model's outputs (down), and every cut tensor that a session handed back in host memory twice
 * (device -> host -> device). Which cut tensors came back is read from their handles, not from the pool setting:
 * with the pool on, webgpu and the simulator keep them on the device (nothing moves), but the cuda backend's
 * outputs always return to the host (the Node binding cannot keep them there), so they move both ways all the
 * same. On a backend without device memory (cpu) nothing is counted: nothing moves. Each method returns the
 * bytes to add.
 */
import { TensorHandle, tensorBytes } from '../runtime/backend';
import { DeployedTask } from './deployment';

export class TransferMeter {
  constructor(private readonly deviceMemory: boolean, private readonly pool: boolean) {}

  /** The task's weights were not resident and are uploaded. */
  weightsUploaded(task: DeployedTask): number {
    return this.deviceMemory ? task.weightBytes : 0;
  }

  /** The request's inputs go up. */
  inputs(handles: Iterable<TensorHandle>): number {
    return this.deviceMemory ? sum(handles, 1) : 0;
  }

  /** A task's outputs that later tasks read (cut tensors): those in host memory went down and go up again. */
  cutTensors(handles: Iterable<TensorHandle>): number {
    if (!this.deviceMemory) return 0;
    let total = 0;
    for (const h of handles) if (inHostMemory(h)) total += 2 * tensorBytes(h);
    return total;
  }

  /** The rule for a plan's cut tensors of `bytes` in all, per request, where sessions keep them as the pool says. */
  cutBytes(bytes: number): number {
    return this.deviceMemory && !this.pool ? 2 * bytes : 0;
  }

  /** The model's results come down. */
  results(handles: Iterable<TensorHandle>): number {
    return this.deviceMemory ? sum(handles, 1) : 0;
  }
}

/** Whether a tensor's data is in host memory ('cpu', or a handle that says nothing). */
export function inHostMemory(handle: TensorHandle): boolean {
  return handle.location === undefined || handle.location === 'cpu';
}

function sum(handles: Iterable<TensorHandle>, times: number): number {
  let total = 0;
  for (const h of handles) total += times * tensorBytes(h);
  return total;
}
