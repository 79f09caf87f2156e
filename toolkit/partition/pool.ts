/**
 * The pool plan: one buffer per request holds its cut tensors between tasks; each cut tensor gets a slot
 * (offset, size) and a slot's bytes are reused once its tensor is dead.
 *
 * Lifetimes: a cut tensor occupies its slot from the end of its producer task through the end of its last
 * consumer task, i.e. over the closed task interval [producerTask, lastConsumerTask]. Two tensors conflict when
 * these intervals intersect (a tensor freed by task t and one written by task t are both present during t).
 *
 * Allocation (interval colouring on addresses): for several visiting orders (largest first; earliest first;
 * longest-lived first) place each tensor at the lowest offset where it overlaps no conflicting placed slot
 * (first fit), and keep the order that gives the smallest buffer.
 * Invariants: no two conflicting slots overlap in address; poolBytes <= noReuseBytes (sum of sizes);
 * poolBytes >= the largest sum of sizes live at one task.
 */
import { CutTensor, PoolPlan, PoolSlot } from './plan';

export interface PoolOptions {
  /** Round every slot's size and offset up to a multiple of this many bytes (default 1). */
  readonly alignment?: number;
}

export function slotsConflict(a: Pick<PoolSlot, 'fromTask' | 'toTask'>, b: Pick<PoolSlot, 'fromTask' | 'toTask'>): boolean {
  return a.fromTask <= b.toTask && b.fromTask <= a.toTask;
}

export function planPool(cuts: readonly CutTensor[], options: PoolOptions = {}): PoolPlan {
  const alignment = Math.max(1, Math.floor(options.alignment ?? 1));
  const align = (x: number): number => Math.ceil(x / alignment) * alignment;
  const items = cuts.map((c) => ({ value: c.value, size: align(c.bytes), fromTask: c.producerTask, toTask: c.lastConsumerTask }));
  const noReuseBytes = items.reduce((sum, item) => sum + item.size, 0);
  type Item = (typeof items)[number];
  const byValue = (a: Item, b: Item): number => a.value - b.value;
  const visitingOrders: ((a: Item, b: Item) => number)[] = [
    (a, b) => b.size - a.size || a.fromTask - b.fromTask || byValue(a, b),
    (a, b) => a.fromTask - b.fromTask || b.size - a.size || byValue(a, b),
    (a, b) => (b.toTask - b.fromTask) - (a.toTask - a.fromTask) || b.size - a.size || byValue(a, b),
  ];
  let best: PoolSlot[] | undefined;
  let bestBytes = Infinity;
  for (const compare of visitingOrders) {
    const slots = firstFit([...items].sort(compare), align);
    const bytes = slots.reduce((top, s) => Math.max(top, s.offset + s.size), 0);
    if (bytes < bestBytes) { best = slots; bestBytes = bytes; }
  }
  const slots = (best ?? []).sort((a, b) => a.fromTask - b.fromTask || a.offset - b.offset || a.value - b.value);
  return { slots, poolBytes: slots.length === 0 ? 0 : bestBytes, noReuseBytes };
}

/**
 * Places items in the given order at the lowest offset clear of every conflicting placed slot. A placed slot
 * conflicts with [from, to] when it is alive at `from` or starts inside (from, to]; both are found through
 * per-task lists, so the work per item is about the number of slots it could conflict with.
 */
function firstFit(items: readonly Omit<PoolSlot, 'offset'>[], align: (x: number) => number): PoolSlot[] {
  const lastTask = items.reduce((top, item) => Math.max(top, item.toTask), 0);
  const aliveAt: PoolSlot[][] = Array.from({ length: lastTask + 1 }, () => []);
  const startsAt: PoolSlot[][] = Array.from({ length: lastTask + 1 }, () => []);
  const placed: PoolSlot[] = [];
  for (const item of items) {
    const busy = [...aliveAt[item.fromTask]];
    for (let t = item.fromTask + 1; t <= item.toTask; t++) busy.push(...startsAt[t]);
    busy.sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of busy) {
      if (offset + item.size <= p.offset) break;
      offset = Math.max(offset, align(p.offset + p.size));
    }
    const slot: PoolSlot = { ...item, offset };
    placed.push(slot);
    startsAt[slot.fromTask].push(slot);
    for (let t = slot.fromTask; t <= slot.toTask; t++) aliveAt[t].push(slot);
  }
  return placed;
}

/** The largest sum of slot sizes live during one task: no pool can be smaller. */
export function poolLowerBound(slots: readonly Pick<PoolSlot, 'size' | 'fromTask' | 'toTask'>[]): number {
  let best = 0;
  for (const s of slots) {
    let live = 0;
    for (const t of slots) if (t.fromTask <= s.fromTask && s.fromTask <= t.toTask) live += t.size;
    best = Math.max(best, live);
  }
  return best;
}
