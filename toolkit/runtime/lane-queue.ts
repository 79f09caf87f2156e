/**
 * The lanes' wait queue (the cpu backend's; the simulator's lanes use this same class): a run takes the lane
 * `chooseLane` gives (lane-choice.ts); when none is free it waits, first come first served, and a lane that frees
 * goes straight to the first waiter (it never turns free while a run waits, so a later run cannot overtake).
 */
import { chooseLane } from './lane-choice';

export class LaneQueue {
  private readonly busy: boolean[] = [];
  private readonly waiting: ((lane: number) => void)[] = [];

  constructor(count = 0) {
    for (let i = 0; i < count; i++) this.add();
  }

  /** One more lane, free. */
  add(): void {
    this.busy.push(false);
  }

  /** A lane for a run whose kept inputs are held by `preferred` lanes; `residents`: kept tensors per lane. */
  acquire(residents: readonly number[], preferred: readonly number[]): Promise<number> {
    const pick = chooseLane(this.busy, residents, preferred);
    if (pick !== undefined) {
      this.busy[pick] = true;
      return Promise.resolve(pick);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The run in `lane` ended: the lane goes to the first waiting run, or turns free. */
  release(lane: number): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(lane);
    else this.busy[lane] = false;
  }
}
