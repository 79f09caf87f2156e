/**
 * A tensor that stays in the cpu lane that produced it (a request's cut tensor: the pool of that lane). The main
 * thread holds only its type, dims and where it lives; a later run in the same lane feeds it by id, and a run in
 * another lane moves it there first (cpu-backend.ts). `release` frees the lane's copy; a tensor whose lane died
 * (its epoch is over) is lost.
 */
import { TensorHandle } from './backend';

export interface LaneHome {
  /** Frees the lane's copy of the tensor. */
  drop(tensor: LaneTensor): void;
}

export class LaneTensor implements TensorHandle {
  readonly location = 'lane';
  released = false;

  constructor(
    readonly type: string,
    readonly dims: readonly number[],
    /** Its name in the lane, unique per backend. */
    readonly id: number,
    /** The lane that holds it, and that lane's incarnation (a replaced lane starts a new epoch). */
    public lane: number,
    public epoch: number,
    private readonly home: LaneHome,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.home.drop(this);
  }
}
