/**
 * Worker lanes, as the cpu backend has them (runtime/cpu-backend.ts), for a profile whose device is a pool of
 * lanes (`lanes` in the profile): each lane runs one task at a time and keeps the cut tensors it made.
 *
 * Rules (the cpu backend's, written here for the simulator):
 *  1. A run takes a lane from the backend's own wait queue (runtime/lane-queue.ts): the lane `chooseLane` gives, or
 *     when none is free the next lane to free, first come first served.
 *  2. A kept input held by another lane moves to the run's lane before the run starts. The move is a message to
 *     the lane that holds it, which handles it only after the run it is doing has ended: so a run whose input sits
 *     in a busy lane waits for that lane's run to end, holding its own lane idle meanwhile. The move copies nothing.
 *  3. Outputs kept by the run stay in its lane until released.
 * Nothing here takes time by itself: waits are on the runs of other lanes.
 */
import { LaneQueue } from '../runtime/lane-queue';

export interface LaneTensor {
  lane: number;
}

export class SimLanes {
  private readonly queue: LaneQueue;
  private readonly residents: number[];
  /** The run in progress in each lane's worker (undefined when its worker is idle). */
  private readonly running: (Promise<void> | undefined)[];

  constructor(readonly count: number) {
    this.queue = new LaneQueue(count);
    this.residents = Array.from({ length: count }, () => 0);
    this.running = Array.from({ length: count }, () => undefined);
  }

  /** Rule 1: a lane for a run whose kept inputs are held by `preferred` lanes. */
  acquire(preferred: readonly number[]): Promise<number> {
    return this.queue.acquire(this.residents, preferred);
  }

  /** Rule 2: moves a kept tensor into `lane`, after the run in progress in the lane that holds it. */
  async moveInto(lane: number, tensor: LaneTensor): Promise<void> {
    if (tensor.lane === lane) return;
    const from = tensor.lane;
    await this.running[from];
    this.residents[from]--;
    this.residents[lane]++;
    tensor.lane = lane;
  }

  /** Marks `lane`'s worker as running `run` until it settles. */
  track(lane: number, run: Promise<unknown>): void {
    const done = run.then(() => undefined, () => undefined);
    this.running[lane] = done;
    void done.then(() => { if (this.running[lane] === done) this.running[lane] = undefined; });
  }

  /** Rule 3: a tensor kept in `lane`; its release frees the slot. */
  keep(lane: number): LaneTensor & { release(): void } {
    this.residents[lane]++;
    let released = false;
    const tensor = {
      lane,
      release: () => {
        if (released) return;
        released = true;
        this.residents[tensor.lane]--;
      },
    };
    return tensor;
  }

  release(lane: number): void {
    this.queue.release(lane);
  }

  /** Kept tensors per lane (for tests). */
  get kept(): readonly number[] {
    return [...this.residents];
  }
}
