/**
 * One lane of the CPU backend: a worker thread with its own onnxruntime instance. onnxruntime-node runs one
 * inference at a time per process (two concurrent runs finish one after the other), while worker threads run
 * in parallel, so the CPU backend spreads sessions over lanes. Messages (see cpu-backend.ts):
 *   load {sessionId, bytes, threads} -> loaded {sessionId, inputNames, outputNames} | failed {sessionId, message}
 *   run {callId, sessionId, feeds}    -> result {callId, outputs} | failed {callId, message}
 *   release {sessionId}
 * Tensors travel as {type, dims, data}; result buffers are transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { ortSessionLogOptions } from '../onnx/ort-log';
import { PlainTensor, WorkerReply, WorkerRequest } from './worker-protocol';

const sessions = new Map<number, ort.InferenceSession>();

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.kind) {
    case 'load':
      try {
        const session = await ort.InferenceSession.create(request.bytes, {
          executionProviders: ['cpu'], intraOpNumThreads: request.threads, interOpNumThreads: 1,
          graphOptimizationLevel: 'all', ...ortSessionLogOptions(),
          // Idle intra-op threads must not spin: every session has its own pool, and a finished session's spinning
          // threads steal the cores from the next one (measured by the bench: a 100-task chain of MobileNetV2 took
          // 2 s spinning, 0.1 s not; whole models are as fast or faster without spinning).
          extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
        });
        sessions.set(request.sessionId, session);
        reply({ kind: 'loaded', sessionId: request.sessionId, inputNames: [...session.inputNames], outputNames: [...session.outputNames] });
      } catch (error) {
        reply({ kind: 'failed', sessionId: request.sessionId, message: messageOf(error) });
      }
      return;
    case 'run':
      try {
        const session = sessions.get(request.sessionId);
        if (session === undefined) throw new Error(`session ${request.sessionId} is not loaded in this lane`);
        const feeds: Record<string, ort.Tensor> = {};
        for (const [name, t] of Object.entries(request.feeds)) feeds[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
        const results = await session.run(feeds);
        const outputs: Record<string, PlainTensor> = {};
        const transfer: ArrayBuffer[] = [];
        for (const [name, tensor] of Object.entries(results)) {
          const data = tensor.data as PlainTensor['data'];
          outputs[name] = { type: tensor.type, dims: [...tensor.dims], data };
          if (ArrayBuffer.isView(data) && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
            && data.buffer instanceof ArrayBuffer && !transfer.includes(data.buffer)) {
            transfer.push(data.buffer);
          }
        }
        reply({ kind: 'result', callId: request.callId, outputs }, transfer);
      } catch (error) {
        reply({ kind: 'failed', callId: request.callId, message: messageOf(error) });
      }
      return;
    case 'release': {
      const session = sessions.get(request.sessionId);
      sessions.delete(request.sessionId);
      if (session !== undefined) await session.release();
      return;
    }
  }
}

parentPort!.on('message', (request: WorkerRequest) => { void handle(request); });
