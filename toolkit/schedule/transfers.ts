/**
 * Transfer accounting: the host<->device bytes a request moves, counted where they would move.
 * On a backend with device memory: the request's inputs (up), the weights uploaded on a cache miss, the
 * model's outputs (down), and with the pool off every cut tensor twice (device -> host -> device). On a backend
 * without device memory (cpu) nothing is counted: nothing moves. Each method returns the bytes to add.
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

  /** A task's outputs that later tasks read (cut tensors): down and up again when the pool is off. */
  cutTensors(handles: Iterable<TensorHandle>): number {
    return this.cutBytes(sum(handles, 1));
  }

  /** The same rule for cut tensors of `bytes` in all (e.g. a plan's `cutBytes`, per request). */
  cutBytes(bytes: number): number {
    return this.deviceMemory && !this.pool ? 2 * bytes : 0;
  }

  /** The model's results come down. */
  results(handles: Iterable<TensorHandle>): number {
    return this.deviceMemory ? sum(handles, 1) : 0;
  }
}

function sum(handles: Iterable<TensorHandle>, times: number): number {
  let total = 0;
  for (const h of handles) total += times * tensorBytes(h);
  return total;
}
