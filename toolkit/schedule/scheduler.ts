/**
 * The scheduler: one event loop that runs a workload's requests under any policy on any backend.
 *
 * Stages:
 *  1. Start the policy (triton-style loads its instances here: PolicyCannotStartError when they do not fit),
 *     then check the inputs before anything runs (QuiltError): every request's model is deployed, the
 *     concurrency is a positive integer, and the budget holds what one request needs (budget.ts's rule:
 *     BudgetTooSmallError otherwise).
 *  2. Schedule the arrivals on the clock (open loop: at their arrival times; closed loop: the first N at
 *     time 0, then one per ended request).
 *  3. Loop: tasks whose upload ended take free compute slots first; then, while a compute slot is free, ask
 *     the policy for the next admission and have the ledger hold it (`admit`: a refusal, which only an
 *     unmanaged policy can meet, fails that request with 'oom'). A task whose weights are not on the device
 *     (a miss, or an upload in flight) waits for its upload on the copy engine WITHOUT a compute slot, and
 *     takes one when the upload ends; any other task starts at once (`Session.run`, async). With `prefetch`,
 *     prefetch.ts's rule then starts the uploads of running requests' next tasks. Then wait for the next event:
 *       arrival    -> the request's first task is ready (enqueued in the policy);
 *       uploaded   -> the task waits for a compute slot (or fails, if the upload did);
 *       prefetched -> the prefetch's hold on the weights ends (they stay cached);
 *       completion -> the task's memory returns to the ledger; on error the request fails with the message;
 *                     otherwise its outputs join the request's tensors and its next task is enqueued, or
 *                     the request ends.
 *     A request's end releases its pool, tells the policy, and writes its row and its waits (request-waits.ts).
 *  4. Unload (Triton's instances, cached weights), so the ledger ends at zero; summarize.
 *
 * Data between tasks: the outputs of a task are kept as the handles the session returned, and later tasks
 * are fed by name. Transfer bytes per request are counted by transfers.ts. Which sessions write to the host
 * is the business of whoever loaded them.
 *
 * Invariants: a task runs only while its reservation is held; a request has at most one task ready, uploading
 * or running; every request ends exactly once ('ok', 'oom' or 'error'); at most `concurrency` tasks compute at
 * once; a prefetch never goes over the budget nor evicts weights a live request needs within one task; the loop
 * never asks which policy it holds.
 */
import { oneLine } from '../core/errors';
import { RequestRow, RequestStatus } from '../core/rows';
import { TensorHandle } from '../runtime/backend';
import { formatBytes } from '../core/units';
import { Clock } from '../core/clock';
import { DeployedTask, Deployment } from './deployment';
import { DeviceLedger, Ticket } from './device-ledger';
import { EventQueue } from './event-queue';
import { Admission, Policy } from './policy';
import { summarize } from './summary';
import { TransferMeter } from './transfers';
import { wantedWeights } from './weights-wanted';
import { nextToPrefetch, prefetchReservation } from './prefetch';
import { RequestWaits, WaitClock } from './request-waits';
import { feedsFor, newRequestState, readyTask, RequestState } from './request-state';
import { checkScheduleInputs, Feeds, ScheduleOptions, ScheduleResult } from './schedule-options';

export { checkScheduleInputs, ClosedLoop, Feeds, ScheduledRequest, ScheduleOptions, ScheduleResult } from './schedule-options';

/** An admitted task on its way to a compute slot. */
interface Started {
  readonly state: RequestState;
  readonly admission: Admission;
  readonly ticket: Ticket;
}

type LoopEvent =
  | { readonly kind: 'arrival'; readonly state: RequestState }
  | { readonly kind: 'uploaded'; readonly started: Started; readonly error?: string }
  | { readonly kind: 'prefetched'; readonly ticket: Ticket }
  | {
      readonly kind: 'completion';
      readonly admission: Admission;
      readonly ticket: Ticket;
      readonly runMs: number;
      readonly outputs?: Feeds;
      readonly error?: string;
    };

/** Runs the requests to their ends and returns their rows, the ledger timeline and a summary. */
export async function runSchedule(options: ScheduleOptions): Promise<ScheduleResult> {
  const loop = new SchedulerLoop(options);
  return loop.run();
}

class SchedulerLoop {
  private readonly ledger: DeviceLedger;
  private readonly policy: Policy;
  private readonly clock: Clock;
  private readonly pool: boolean;
  private readonly transfers: TransferMeter;
  private readonly events = new EventQueue<LoopEvent>();
  private readonly rows: RequestRow[] = [];
  private readonly states = new Map<number, RequestState>();
  private readonly permanent: Ticket[] = [];
  /** Closed loop: requests not sent yet, in id order. */
  private readonly unsent: RequestState[] = [];
  /** Requests arrived and not ended (the ledger evicts the weights they still need last). */
  private readonly live = new Set<RequestState>();
  private running = 0;
  private pendingArrivals = 0;
  private readonly unloads: Promise<unknown>[] = [];
  /** Requests with a task computing, in the order those tasks started (prefetch looks at their next tasks). */
  private readonly computing = new Set<RequestState>();
  /** Uploads in flight by weights key (a miss's or a prefetch's): a task with that key waits for it. */
  private readonly uploadsInFlight = new Map<string, Promise<void>>();
  /** Admitted tasks waiting for their upload, and those whose upload ended, waiting for a compute slot. */
  private uploading = 0;
  private readonly uploaded: Started[] = [];
  private prefetching = 0;
  private readonly waitClock: WaitClock<RequestState>;
  private readonly waits: RequestWaits[] = [];

  constructor(private readonly options: ScheduleOptions) {
    this.policy = options.policy;
    this.clock = options.clock;
    this.pool = options.pool ?? options.policy.defaultPool;
    this.transfers = new TransferMeter(options.backend.hasDeviceMemory, this.pool);
    const byKey = new Map<string, DeployedTask>();
    for (const d of options.deployments.values()) for (const t of d.tasks) byKey.set(t.weightsKey, t);
    this.ledger = new DeviceLedger(options.budgetBytes, {
      policy: this.policy.name,
      now: () => this.clock.now(),
      onEvict: (key) => this.unloadEvicted(byKey.get(key)),
      wanted: () => wantedWeights(this.live),
    });
    this.waitClock = new WaitClock(this.clock.now());
  }

  async run(): Promise<ScheduleResult> {
    // The policy starts first: one that loads models up front (triton-style) reports a model that does not fit
    // as a failed load, which is what it is, rather than as a budget below a task's demand.
    this.policy.start({
      deployments: this.options.deployments,
      pool: this.pool,
      capacityBytes: this.options.budgetBytes,
      reservePermanently: (r) => {
        const ticket = this.ledger.tryReserve(r);
        if (ticket) this.permanent.push(ticket);
        return ticket;
      },
    });
    checkScheduleInputs(this.options);
    this.scheduleArrivals();
    while (this.rows.length < this.options.requests.length) {
      this.dispatch();
      if (this.rows.length === this.options.requests.length) break;
      if (this.running === 0 && this.pendingArrivals === 0 && this.uploading === 0 && this.prefetching === 0
        && this.uploaded.length === 0) {
        throw new Error(
          `scheduler stalled: ${this.policy.size} ready task(s), none admitted by '${this.policy.name}' ` +
            `with ${formatBytes(this.ledger.freeBytes)} free`,
        );
      }
      const event = await this.events.take();
      this.waitClock.advance(this.clock.now());
      if (event.kind === 'arrival') this.arrive(event.state);
      else if (event.kind === 'uploaded') this.uploadEnded(event.started, event.error);
      else if (event.kind === 'prefetched') { this.prefetching--; this.ledger.release(event.ticket); }
      else this.complete(event);
    }
    for (const ticket of this.permanent) this.ledger.release(ticket);
    this.ledger.evictUnusedWeights();
    await Promise.all(this.unloads);
    const rows = [...this.rows].sort((a, b) => a.requestId - b.requestId);
    const timeline = [...this.ledger.timeline];
    const summary = summarize(rows, timeline, {
      policy: this.policy.name,
      backend: this.options.backend.name,
      budgetBytes: this.options.budgetBytes,
    });
    const waits = [...this.waits].sort((a, b) => a.requestId - b.requestId);
    return { rows, timeline, summary, waits };
  }

  /** Frees the device copy of evicted weights; the task's next run reloads them (`loadWeights`). */
  private unloadEvicted(task: DeployedTask | undefined): void {
    if (task?.unloadWeights === undefined) return;
    const unloading = task.unloadWeights().catch(() => undefined);
    this.unloads.push(unloading);
  }

  private scheduleArrivals(): void {
    for (const request of this.options.requests) {
      const deployment = this.options.deployments.get(request.model) as Deployment;
      const state = newRequestState(request, deployment);
      this.states.set(request.id, state);
      if (this.options.closedLoop) this.unsent.push(state);
      else this.sendAt(state, request.arrivalMs);
    }
    const clients = this.options.closedLoop?.clients ?? 0;
    for (let i = 0; i < clients; i++) this.sendNextUnsent(0);
  }

  private sendAt(state: RequestState, atMs: number): void {
    this.pendingArrivals++;
    this.clock.at(atMs, () => {
      state.arrivalMs = this.clock.now();
      this.events.push({ kind: 'arrival', state });
    });
  }

  private sendNextUnsent(atMs: number): void {
    const state = this.unsent.shift();
    if (state) this.sendAt(state, atMs);
  }

  private arrive(state: RequestState): void {
    this.pendingArrivals--;
    this.live.add(state);
    this.enqueue(state, 0);
  }

  private enqueue(state: RequestState, taskIndex: number): void {
    this.waitClock.waiting.add(state);
    this.policy.enqueue(readyTask(state, taskIndex));
  }

  private dispatch(): void {
    const { concurrency } = this.options;
    while (this.running < concurrency && this.uploaded.length > 0) this.startCompute(this.uploaded.shift() as Started);
    while (this.running < concurrency) {
      const admission = this.policy.next(this.ledger);
      if (admission === undefined) break;
      const { ready, reservation } = admission;
      const state = this.states.get(ready.requestId) as RequestState;
      this.waitClock.waiting.delete(state);
      if (state.startMs < 0) state.startMs = this.clock.now();
      const held = this.ledger.admit(reservation, this.policy.enforcesBudget);
      if (held.ticket === undefined) {
        this.end(state, 'oom', `out of memory: task ${ready.taskIndex} of '${ready.model}' needs ` +
          `${formatBytes(held.additionalBytes)} more, ${formatBytes(held.freeBytes)} of ` +
          `${formatBytes(held.capacityBytes)} free`);
        continue;
      }
      const started: Started = { state, admission, ticket: held.ticket };
      const upload = this.uploadFor(started);
      if (upload === undefined) { this.startCompute(started); continue; }
      // The upload runs on the copy engine; the task takes a compute slot only when it ends.
      this.uploading++;
      const since = this.clock.now();
      void upload.then(() => undefined, (error: unknown) => oneLine(error)).then((error) => {
        state.uploadWaitMs += this.clock.now() - since;
        this.events.push({ kind: 'uploaded', started, ...(error === undefined ? {} : { error }) });
      });
    }
    if (this.options.prefetch === true) this.prefetch();
    this.waitClock.setSlotsFull(this.running >= concurrency);
  }

  /** The upload a just-admitted task must wait for: its own on a miss, or one already in flight for its weights. */
  private uploadFor({ state, admission, ticket }: Started): Promise<void> | undefined {
    const { task } = admission.ready;
    if (ticket.weightsLoaded) {
      this.countUpload(state, task);
      if (task.loadWeights) return this.startUpload(task.weightsKey, task.loadWeights);
      return undefined;
    }
    return this.uploadsInFlight.get(task.weightsKey);
  }

  private countUpload(state: RequestState, task: DeployedTask): void {
    const bytes = this.transfers.weightsUploaded(task);
    state.transferBytes += bytes;
    state.uploadBytes += bytes;
  }

  private startUpload(key: string, load: () => Promise<void>): Promise<void> {
    const upload = load().finally(() => { if (this.uploadsInFlight.get(key) === upload) this.uploadsInFlight.delete(key); });
    this.uploadsInFlight.set(key, upload);
    return upload;
  }

  private uploadEnded(started: Started, error: string | undefined): void {
    this.uploading--;
    if (error === undefined) { this.uploaded.push(started); return; }
    this.ledger.release(started.ticket);
    started.state.tasksRun++;
    this.end(started.state, 'error', error);
  }

  private startCompute(started: Started): void {
    this.running++;
    this.computing.add(started.state);
    void this.execute(started.state, started.admission, started.ticket).then((done) => this.events.push(done));
  }

  /** Starts the uploads prefetch.ts picks for the requests computing now; each holds its weights until it ends. */
  private prefetch(): void {
    for (const state of this.computing) {
      const task = nextToPrefetch(state, this.ledger, this.uploadsInFlight);
      if (task === undefined || task.loadWeights === undefined) continue;
      const ticket = this.ledger.tryReserve(prefetchReservation(state.request.id, task), { spareWantedWithin: 1 });
      if (ticket === undefined) continue;
      this.countUpload(state, task);
      this.prefetching++;
      // A failed prefetch leaves no session: the task's own run loads it again and reports the error there.
      void this.startUpload(task.weightsKey, task.loadWeights).catch(() => undefined)
        .then(() => this.events.push({ kind: 'prefetched', ticket }));
    }
  }

  /** Runs one task; never rejects (a failure becomes the event's error). */
  private async execute(state: RequestState, admission: Admission, ticket: Ticket): Promise<LoopEvent> {
    const { task, taskIndex } = admission.ready;
    let feeds: Feeds;
    try {
      if (taskIndex === 0) {
        const inputs = await state.request.makeInputs();
        for (const [name, handle] of Object.entries(inputs)) {
          state.tensors.set(name, handle);
          state.inputNames.add(name);
        }
        state.transferBytes += this.transfers.inputs(Object.values(inputs));
      }
      feeds = feedsFor(state, taskIndex);
    } catch (error) {
      return { kind: 'completion', admission, ticket, runMs: 0, error: oneLine(error) };
    }
    const t0 = this.clock.now();
    try {
      const outputs = await task.session.run(feeds);
      return { kind: 'completion', admission, ticket, runMs: this.clock.now() - t0, outputs };
    } catch (error) {
      return { kind: 'completion', admission, ticket, runMs: this.clock.now() - t0, error: oneLine(error) };
    }
  }

  private complete(event: Extract<LoopEvent, { kind: 'completion' }>): void {
    const { ready } = event.admission;
    const state = this.states.get(ready.requestId) as RequestState;
    this.running--;
    this.computing.delete(state);
    this.ledger.release(event.ticket);
    state.executionMs += event.runMs;
    state.tasksRun++;
    if (event.error !== undefined || event.outputs === undefined) {
      this.end(state, 'error', event.error ?? 'the session returned nothing');
      return;
    }
    const finalNames = new Set(state.deployment.outputNames);
    const outputs = Object.entries(event.outputs);
    for (const [name, handle] of outputs) state.tensors.set(name, handle);
    state.transferBytes += this.transfers.cutTensors(outputs.filter(([name]) => !finalNames.has(name)).map(([, h]) => h));
    const nextIndex = ready.taskIndex + 1;
    if (nextIndex < state.deployment.tasks.length) {
      this.enqueue(state, nextIndex);
      return;
    }
    const results = [...finalNames].map((name) => state.tensors.get(name)).filter((h): h is TensorHandle => h !== undefined);
    state.transferBytes += this.transfers.results(results);
    this.end(state, 'ok', '');
  }

  private end(state: RequestState, status: RequestStatus, error: string): void {
    const id = state.request.id;
    this.live.delete(state);
    this.waitClock.waiting.delete(state);
    this.ledger.releasePool(id);
    this.policy.onRequestEnd(id);
    // Tensors the tasks made and the backend still holds (a cpu lane's pool) are freed with the request.
    for (const [name, handle] of state.tensors) if (!state.inputNames.has(name)) handle.release?.();
    state.tensors.clear();
    const endMs = this.clock.now();
    const startMs = state.startMs < 0 ? endMs : state.startMs;
    const row: RequestRow = {
      requestId: id,
      model: state.request.model,
      policy: this.policy.name,
      backend: this.options.backend.name,
      budgetBytes: this.options.budgetBytes,
      arrivalMs: state.arrivalMs,
      startMs,
      endMs,
      latencyMs: endMs - state.arrivalMs,
      queueingMs: startMs - state.arrivalMs,
      executionMs: state.executionMs,
      transferBytes: state.transferBytes,
      tasks: state.tasksRun,
      status,
      error,
    };
    this.rows.push(row);
    this.waits.push({
      requestId: id, uploadBytes: state.uploadBytes, uploadWaitMs: state.uploadWaitMs, memoryWaitMs: state.memoryWaitMs, computeMs: state.executionMs,
    });
    this.options.onRequestEnd?.(row);
    if (this.options.closedLoop) this.sendNextUnsent(endMs + this.options.closedLoop.thinkMs);
  }
}
