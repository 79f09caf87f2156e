/**
 * One lane of the CPU backend: a worker thread with its own onnxruntime instance. onnxruntime-node runs one
 * inference at a time per process (two concurrent runs finish one after the other), while worker threads run
 * in parallel, so the CPU backend spreads sessions over lanes. Messages (worker-protocol.ts):
 *   load {sessionId, bytes, threads} -> loaded {sessionId, inputNames, outputNames} | failed {sessionId, message}
 *   run {callId, sessionId, feeds, keep} -> result {callId, outputs, kept} | failed {callId, message}
 *   take {callId, ids} -> taken {callId, tensors};  drop {ids};  release {sessionId};  fault {fault}
 *   close {callId} -> closed {callId}: every session released (onnxruntime-node aborts the process when a session
 *   is still alive while its thread or the process ends), every resident tensor forgotten
 * Resident tensors: outputs named in `keep` stay here (the request's cut tensors: the pool of this lane) until a
 * `drop` or a `take`; a later run feeds them by id without any message carrying their data. Data that leaves
 * the lane (results, taken tensors) is transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { cpuSessionOptions } from './cpu-session-options';
import { LaneFault, TensorShape, WireTensor, WorkerReply, WorkerRequest } from './worker-protocol';

/** Sessions by id; a run waits for a load still in progress (a replaced lane reloads while runs queue). */
const sessions = new Map<number, Promise<ort.InferenceSession | undefined>>();
const resident = new Map<number, ort.Tensor>();
let fault: LaneFault | undefined;

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The tensor as a message part; its buffer joins `transfer` when the tensor owns all of it. */
function toWire(tensor: ort.Tensor, transfer: ArrayBuffer[]): WireTensor {
  const data = tensor.data as WireTensor['data'];
  if (ArrayBuffer.isView(data) && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
    && data.buffer instanceof ArrayBuffer && !transfer.includes(data.buffer)) {
    transfer.push(data.buffer);
  }
  return { type: tensor.type, dims: tensor.dims, data };
}

/** Does what a test asked this lane to do wrong, mid-run (the run never replies). */
function crash(how: LaneFault): void {
  if (how === 'exit') process.exit(70);
  if (how === 'throw') setImmediate(() => { throw new Error('fault injected into a cpu lane'); });
  if (how === 'oom') {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1 << 20).fill(hoard.length));
  }
}

function load(request: Extract<WorkerRequest, { kind: 'load' }>): Promise<unknown> {
  const loading = create(request);
  sessions.set(request.sessionId, loading);
  return loading;
}

async function create(request: Extract<WorkerRequest, { kind: 'load' }>): Promise<ort.InferenceSession | undefined> {
  try {
    const session = await ort.InferenceSession.create(request.bytes, cpuSessionOptions(request.threads));
    reply({ kind: 'loaded', sessionId: request.sessionId, inputNames: [...session.inputNames], outputNames: [...session.outputNames] });
    return session;
  } catch (error) {
    reply({ kind: 'failed', sessionId: request.sessionId, message: messageOf(error) });
    return undefined;
  }
}

async function run(request: Extract<WorkerRequest, { kind: 'run' }>): Promise<void> {
  try {
    const session = await sessions.get(request.sessionId);
    if (session === undefined) throw new Error(`session ${request.sessionId} is not loaded in this lane`);
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(request.feeds)) {
      if ('resident' in feed) {
        const t = resident.get(feed.resident);
        if (t === undefined) throw new Error(`input '${name}' is not resident in this lane`);
        feeds[name] = t;
      } else {
        feeds[name] = new ort.Tensor(feed.host.type as 'float32', feed.host.data as Float32Array, feed.host.dims);
        if (feed.keepAs !== undefined) resident.set(feed.keepAs, feeds[name]);
      }
    }
    const results = await session.run(feeds);
    if (fault !== undefined) {
      crash(fault);
      return;
    }
    const outputs: Record<string, WireTensor> = {};
    const kept: Record<string, TensorShape> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, tensor] of Object.entries(results)) {
      const id = request.keep[name];
      if (id === undefined) {
        outputs[name] = toWire(tensor, transfer);
      } else {
        resident.set(id, tensor);
        kept[name] = { type: tensor.type, dims: tensor.dims };
      }
    }
    reply({ kind: 'result', callId: request.callId, outputs, kept }, transfer);
  } catch (error) {
    reply({ kind: 'failed', callId: request.callId, message: messageOf(error) });
  }
}

function take(request: Extract<WorkerRequest, { kind: 'take' }>): void {
  const tensors: Record<number, WireTensor> = {};
  const transfer: ArrayBuffer[] = [];
  for (const id of request.ids) {
    const t = resident.get(id);
    if (t === undefined) {
      reply({ kind: 'failed', callId: request.callId, message: `tensor ${id} is not resident in this lane` });
      return;
    }
    tensors[id] = toWire(t, transfer);
    resident.delete(id);
  }
  reply({ kind: 'taken', callId: request.callId, tensors }, transfer);
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.kind) {
    case 'load':
      await load(request);
      return;
    case 'run': return run(request);
    case 'take': return take(request);
    case 'drop':
      for (const id of request.ids) resident.delete(id);
      return;
    case 'fault':
      fault = request.fault;
      return;
    case 'release': {
      const loading = sessions.get(request.sessionId);
      sessions.delete(request.sessionId);
      const session = await loading;
      if (session !== undefined) await session.release();
      return;
    }
    case 'close': {
      const loading = [...sessions.values()];
      sessions.clear();
      resident.clear();
      for (const p of loading) {
        const session = await p;
        if (session !== undefined) await session.release().catch(() => undefined);
      }
      reply({ kind: 'closed', callId: request.callId });
      return;
    }
  }
}

parentPort!.on('message', (request: WorkerRequest) => { void handle(request); });
