/**
 * The device ledger: a capacity (the memory budget) and every byte resident on the device, by kind.
 *
 * Kinds:
 *  - weights, per weights key (one key per task model). Weights stay cached after their task ends; each entry
 *    counts the running tasks that use it and remembers when it was last used. Weights no running task uses
 *    may be evicted when a reservation needs their room: first those no live request wants (the `wanted`
 *    option, weights-wanted.ts: keys of tasks that requests already arrived have yet to run), least recently
 *    used first; then the wanted ones, the farthest next use first (ties: least recently used). Plain LRU
 *    throws out exactly the next task of a request in flight (a model's later tasks were last used by its
 *    previous request, so they are the oldest) while other weights stay cached. The order changes nothing
 *    about what fits or whether a reservation is admitted, only which bytes are uploaded again later.
 *  - activations, per running task (its peak live activation bytes, held for the whole run of the task).
 *  - pool, per request in flight (its cut tensors' pool buffer, from its first task until its end).
 *
 * Operations: `tryReserve` (managed: all or nothing, never past the capacity; with `spareWantedWithin`, as a
 * prefetch asks, it may evict only weights no live request needs within that many tasks), `forceReserve` (unmanaged: when
 * even eviction cannot make room it reports an overflow and holds nothing, as a failed GPU allocation),
 * `admit` (what the scheduler calls: one of the two, as the policy says, with an overflow's bytes),
 * `release` (a task's activations; its weights stay cached), `releasePool`, `evictUnusedWeights`.
 *
 * Invariants: total = weights + activations + pool; after `tryReserve` total <= capacity; a weight entry in
 * use is never evicted; every change appends one timeline sample (an overflow appends the attempted total,
 * marked with the request id, then the unchanged total).
 */
import { TimelineRow } from '../core/rows';

/** What one task asks of the device when it is admitted. */
export interface Reservation {
  readonly requestId: number;
  /** Key of the task's weights ('' when it has none). Two tasks with the same key share one resident copy. */
  readonly weightsKey: string;
  readonly weightBytes: number;
  /** Peak live activation bytes, held while the task runs. */
  readonly activationBytes: number;
  /** Pool bytes to reserve for the request with this task (its first task when the pool is on), else 0. */
  readonly poolBytes: number;
}

/** A held reservation; give it back to `release`. */
export interface Ticket {
  readonly id: number;
  readonly reservation: Reservation;
  /** True when the weights were not resident and had to be brought in (a cache miss). */
  readonly weightsLoaded: boolean;
}

/** An admission the ledger holds, or (unmanaged only) the overflow that refused it. */
export type Admitted =
  | { readonly ticket: Ticket }
  | { readonly ticket: undefined; readonly additionalBytes: number; readonly freeBytes: number; readonly capacityBytes: number };

export interface ForceResult {
  /** Undefined when the reservation overflowed the capacity (nothing is held then). */
  readonly ticket: Ticket | undefined;
  readonly overflowed: boolean;
}

interface WeightEntry {
  readonly bytes: number;
  users: number;
  lastUse: number;
}

export interface LedgerOptions {
  /** Policy name written into timeline samples. */
  readonly policy: string;
  /** Current time in ms since the run started. */
  readonly now: () => number;
  /** Told the key of each weights entry the ledger evicts (so the caller can free the real memory). */
  readonly onEvict?: (weightsKey: string) => void;
  /**
   * Weights keys that live requests still need, each with its distance in tasks (0: next); asked at each
   * eviction. Default: none (plain LRU).
   */
  readonly wanted?: () => ReadonlyMap<string, number>;
}

/** What a reservation may evict to make room (default: any weights no running task uses). */
export interface ReserveOptions {
  /** Spare the weights live requests need within this distance in tasks (weights-wanted.ts): a prefetch's rule. */
  readonly spareWantedWithin?: number;
}

export function emptyReservation(requestId: number): Reservation {
  return { requestId, weightsKey: '', weightBytes: 0, activationBytes: 0, poolBytes: 0 };
}

export class DeviceLedger {
  private readonly weights = new Map<string, WeightEntry>();
  private readonly activations = new Map<number, number>();
  private readonly pools = new Map<number, number>();
  private weightTotal = 0;
  private activationTotal = 0;
  private poolTotal = 0;
  private useTick = 0;
  private nextTicket = 1;
  private readonly samples: TimelineRow[] = [];

  constructor(readonly capacityBytes: number, private readonly options: LedgerOptions) {
    if (!Number.isFinite(capacityBytes) || capacityBytes < 0) {
      throw new RangeError(`ledger capacity must be a non-negative byte count, got ${capacityBytes}`);
    }
    this.sample(-1);
  }

  get weightBytes(): number { return this.weightTotal; }
  get activationBytes(): number { return this.activationTotal; }
  get poolBytes(): number { return this.poolTotal; }
  get totalBytes(): number { return this.weightTotal + this.activationTotal + this.poolTotal; }
  get freeBytes(): number { return this.capacityBytes - this.totalBytes; }
  get timeline(): readonly TimelineRow[] { return this.samples; }

  /** Weights keys resident now, least recently used first. */
  residentWeights(): string[] {
    return [...this.weights.entries()].sort((a, b) => a[1].lastUse - b[1].lastUse).map(([key]) => key);
  }

  /** Bytes the reservation adds to the device: its weights unless resident, its activations and its pool. */
  additionalBytes(r: Reservation): number {
    const weights = r.weightsKey !== '' && this.weights.has(r.weightsKey) ? 0 : r.weightBytes;
    return weights + r.activationBytes + r.poolBytes;
  }

  /** Whether the weights of `weightsKey` are resident (cached or in use). */
  isResident(weightsKey: string): boolean {
    return this.weights.has(weightsKey);
  }

  /** Bytes of cached weights that no running task uses (and that are not `keep`): what eviction can free. */
  evictableBytes(keep = '', options: ReserveOptions = {}): number {
    let total = 0;
    for (const [, entry] of this.evictable(keep, options)) total += entry.bytes;
    return total;
  }

  /** Whether the reservation fits now, counting room that evicting unused weights would make. */
  fits(r: Reservation, options: ReserveOptions = {}): boolean {
    return this.additionalBytes(r) <= this.freeBytes + this.evictableBytes(r.weightsKey, options);
  }

  /** Holds the reservation if it fits (evicting unused weights as needed, within `options`); undefined otherwise. */
  tryReserve(r: Reservation, options: ReserveOptions = {}): Ticket | undefined {
    if (!this.fits(r, options)) return undefined;
    return this.hold(r, options);
  }

  /** Unmanaged admission: holds the reservation if it fits after eviction, or records an overflow. */
  forceReserve(r: Reservation): ForceResult {
    if (this.fits(r)) return { ticket: this.hold(r), overflowed: false };
    const attempted = this.additionalBytes(r);
    this.sample(r.requestId, attempted);
    this.sample(-1);
    return { ticket: undefined, overflowed: true };
  }

  /**
   * Holds a reservation a policy admitted. `enforceBudget` (managed policies): it must fit, since the policy
   * asked `fits` first; not fitting is a bug in the policy (Error). Otherwise the allocation is forced, and an
   * overflow is recorded and returned with its bytes (the request goes out of memory).
   */
  admit(r: Reservation, enforceBudget: boolean): Admitted {
    if (enforceBudget) {
      const ticket = this.tryReserve(r);
      if (ticket === undefined) throw new Error(`ledger: request ${r.requestId} was admitted but does not fit`);
      return { ticket };
    }
    const freeBytes = this.freeBytes;
    const additionalBytes = this.additionalBytes(r);
    const forced = this.forceReserve(r);
    return forced.ticket !== undefined ? { ticket: forced.ticket }
      : { ticket: undefined, additionalBytes, freeBytes, capacityBytes: this.capacityBytes };
  }

  /** Ends a task: frees its activations; its weights stay cached, unused once no other task holds them. */
  release(ticket: Ticket): void {
    const held = this.activations.get(ticket.id);
    if (held === undefined) throw new Error(`ledger: ticket ${ticket.id} is not held`);
    this.activations.delete(ticket.id);
    this.activationTotal -= held;
    const key = ticket.reservation.weightsKey;
    if (key !== '') {
      const entry = this.weights.get(key);
      if (entry === undefined || entry.users === 0) throw new Error(`ledger: weights '${key}' are not in use`);
      entry.users -= 1;
      entry.lastUse = ++this.useTick;
    }
    this.sample(-1);
  }

  /** Ends a request: frees its pool (no-op when it holds none). */
  releasePool(requestId: number): void {
    const held = this.pools.get(requestId);
    if (held === undefined) return;
    this.pools.delete(requestId);
    this.poolTotal -= held;
    this.sample(-1);
  }

  /** Drops every cached weight no running task uses (the end of a run). */
  evictUnusedWeights(): void {
    const before = this.weightTotal;
    this.evict(Number.POSITIVE_INFINITY, '');
    if (this.weightTotal !== before) this.sample(-1);
  }

  private hold(r: Reservation, options: ReserveOptions = {}): Ticket {
    const need = this.additionalBytes(r);
    if (need > this.freeBytes) this.evict(need - this.freeBytes, r.weightsKey, options);
    let weightsLoaded = false;
    if (r.weightsKey !== '') {
      let entry = this.weights.get(r.weightsKey);
      if (entry === undefined) {
        entry = { bytes: r.weightBytes, users: 0, lastUse: 0 };
        this.weights.set(r.weightsKey, entry);
        this.weightTotal += r.weightBytes;
        weightsLoaded = true;
      } else if (entry.bytes !== r.weightBytes) {
        throw new Error(`ledger: weights '${r.weightsKey}' were ${entry.bytes} bytes, now ${r.weightBytes}`);
      }
      entry.users += 1;
      entry.lastUse = ++this.useTick;
    }
    if (r.poolBytes > 0) {
      if (this.pools.has(r.requestId)) throw new Error(`ledger: request ${r.requestId} already holds a pool`);
      this.pools.set(r.requestId, r.poolBytes);
      this.poolTotal += r.poolBytes;
    }
    const ticket: Ticket = { id: this.nextTicket++, reservation: r, weightsLoaded };
    this.activations.set(ticket.id, r.activationBytes);
    this.activationTotal += r.activationBytes;
    this.sample(-1);
    return ticket;
  }

  /**
   * Evicts unused weights (not `keep`) until `bytes` are freed or none are left: unwanted ones least recently
   * used first, then wanted ones farthest next use first (ties: least recently used).
   */
  private evict(bytes: number, keep: string, options: ReserveOptions = {}): void {
    const wanted = this.options.wanted?.() ?? new Map<string, number>();
    const rank = (key: string) => -(wanted.get(key) ?? Number.POSITIVE_INFINITY);
    const victims = this.evictable(keep, options, wanted)
      .sort((a, b) => rank(a[0]) - rank(b[0]) || a[1].lastUse - b[1].lastUse);
    let freed = 0;
    for (const [key, entry] of victims) {
      if (freed >= bytes) break;
      this.weights.delete(key);
      this.weightTotal -= entry.bytes;
      freed += entry.bytes;
      this.options.onEvict?.(key);
    }
  }

  /** Unused weights entries (not `keep`), less those `options` spares. */
  private evictable(keep: string, options: ReserveOptions, wanted?: ReadonlyMap<string, number>): [string, WeightEntry][] {
    const within = options.spareWantedWithin;
    const want = within === undefined ? undefined : wanted ?? this.options.wanted?.() ?? new Map<string, number>();
    return [...this.weights.entries()].filter(([key, entry]) => entry.users === 0 && key !== keep
      && !(want !== undefined && within !== undefined && (want.get(key) ?? Number.POSITIVE_INFINITY) <= within));
  }

  private sample(oomRequestId: number, attemptedBytes = 0): void {
    this.samples.push({
      policy: this.options.policy,
      timeMs: this.options.now(),
      weightBytes: this.weightTotal,
      activationBytes: this.activationTotal,
      poolBytes: this.poolTotal,
      totalBytes: this.totalBytes + attemptedBytes,
      budgetBytes: this.capacityBytes,
      oomRequestId,
    });
  }
}
