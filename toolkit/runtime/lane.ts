/**
 * One worker-thread lane of the CPU backend, as the main thread sees it: requests and their replies, and death.
 *
 * A lane dies when its worker throws an uncaught error, runs out of memory (its heap limit) or exits. Then every
 * request it still owed a reply is rejected with a `LaneCrashError` that says why, and `onDeath` tells the
 * backend, which replaces the lane (cpu-backend.ts). A lane closed on purpose (`terminate`) does not die.
 * The worker keeps the process alive only while a reply is owed.
 */
import * as path from 'node:path';
import { ResourceLimits, Worker } from 'node:worker_threads';
import { WorkerReply, WorkerRequest } from './worker-protocol';

/** How a lane died. */
export type LaneDeath = 'uncaught error' | 'out of memory' | 'exit';

/** A task (or a move) failed because the cpu lane running it died; the lane was replaced. */
export class LaneCrashError extends Error {
  constructor(readonly lane: number, readonly how: LaneDeath, readonly reason: string) {
    super(`cpu lane ${lane} died (${reason}) while it ran this task; the lane was replaced`);
    this.name = 'LaneCrashError';
  }
}

interface Owed {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
}

export class Lane {
  private readonly worker: Worker;
  private owed = 0;
  private readonly loads = new Map<number, Owed[]>();
  private readonly calls = new Map<number, Owed>();
  private dead = false;
  private closing = false;

  constructor(
    readonly index: number,
    private readonly onDeath: (lane: Lane) => void,
    resourceLimits?: ResourceLimits,
  ) {
    this.worker = new Worker(path.join(__dirname, 'ort-worker.js'), resourceLimits ? { resourceLimits } : {});
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.receive(reply));
    this.worker.on('error', (error: Error & { code?: string }) => (error.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? this.die('out of memory', 'its JavaScript heap ran out of memory')
      : this.die('uncaught error', `uncaught error: ${error.message}`)));
    this.worker.on('exit', (code) => this.die('exit', `exited with code ${code}`));
  }

  get alive(): boolean { return !this.dead; }

  /**
   * Posts a load, run or take and resolves with its reply; rejects with LaneCrashError if the lane dies first.
   * Buffers in `transfer` are handed over to the lane (moved, not copied).
   */
  request(message: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      if (this.dead) {
        reject(new LaneCrashError(this.index, 'exit', 'it was already dead'));
        return;
      }
      const owed = { resolve, reject };
      if (message.kind === 'run' || message.kind === 'take' || message.kind === 'close') this.calls.set(message.callId, owed);
      else if (message.kind === 'load') {
        const waiting = this.loads.get(message.sessionId) ?? [];
        waiting.push(owed);
        this.loads.set(message.sessionId, waiting);
      } else throw new Error(`a '${message.kind}' message has no reply`);
      if (this.owed++ === 0) this.worker.ref();
      this.worker.postMessage(message, transfer);
    });
  }

  /** Posts a message that has no reply. */
  post(message: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    if (!this.dead) this.worker.postMessage(message, transfer);
  }

  /** Ends the lane: its sessions released first (`close`, when it is alive), then the worker terminated. */
  async terminate(closeCallId?: number): Promise<void> {
    this.closing = true;
    if (closeCallId !== undefined && !this.dead) await this.request({ kind: 'close', callId: closeCallId }).catch(() => undefined);
    await this.worker.terminate();
  }

  private receive(reply: WorkerReply): void {
    let owed: Owed | undefined;
    if (reply.kind === 'loaded' || (reply.kind === 'failed' && reply.callId === undefined)) {
      owed = this.loads.get(reply.sessionId as number)?.shift();
    } else {
      owed = this.calls.get(reply.callId as number);
      this.calls.delete(reply.callId as number);
    }
    if (owed === undefined) return;
    if (--this.owed === 0) this.worker.unref();
    owed.resolve(reply);
  }

  private die(how: LaneDeath, reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.worker.unref();
    const error = new LaneCrashError(this.index, how, reason);
    const owed = [...this.calls.values(), ...[...this.loads.values()].flat()];
    this.calls.clear();
    this.loads.clear();
    this.owed = 0;
    for (const o of owed) o.reject(error);
    if (!this.closing) this.onDeath(this);
  }
}
