/**
 * Part of section 4: where a task's fixed cost goes on the cpu backend, measured side by side on one-node
 * Identity models ("empty" models: the work is nil or one copy), median microseconds of interleaved runs:
 *   floor      onnxruntime-node's own `run` in this process (4 B): what no design in Node can avoid;
 *   output     the same run with 1 MiB in and out, less the floor: onnxruntime-node hands every output over in a
 *              fresh ArrayBuffer (a copy, and page faults unless malloc keeps freed memory: cpu-process-env.ts),
 *              so every tensor a task hands on costs this per MiB, in process or in a lane;
 *   lane       the same run in a worker lane, input resident and output kept there: floor + messaging;
 *   copy in    1 MiB fed from the host (cloned into the lane) against 1 MiB already resident: the copy a cut
 *              tensor paid per MiB before the pool lived in the lanes, and a request's inputs still pay;
 *   result out 1 MiB output handed back to the host (transferred) against kept in the lane.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../graph/builder';
import { writeModel } from '../onnx/write';
import { cpuSessionOptions } from '../runtime/cpu-session-options';
import { Backend, Session, TensorHandle } from '../runtime/backend';
import { OnnxTaskModel } from '../partition/build';
import { Row, median, nowMs, round } from './report';

function identity(elements: number): Uint8Array {
  const b = new GraphBuilder(`identity${elements}`);
  b.input('x', 'float32', [elements]);
  b.output(b.op('Identity', ['x'], {}, 'id'), 'float32', [elements]);
  return writeModel(b.finish());
}

async function usOf(fn: () => Promise<unknown>): Promise<number> {
  const t0 = nowMs();
  await fn();
  return (nowMs() - t0) * 1000;
}

const only = (out: Record<string, TensorHandle>): TensorHandle => Object.values(out)[0];

export interface TaskOverhead {
  readonly rows: Row[];
  readonly floorUs: number;
  readonly messagingUs: number;
  readonly copyInUsPerMiB: number;
}

/** Measures on `backend` (one lane wanted: nothing else runs) and an in-process session with `threads` threads. */
export async function measureTaskOverhead(backend: Backend, threads: number, rounds: number): Promise<TaskOverhead> {
  const small = identity(1);
  const big = identity(1 << 18);
  const local = await ort.InferenceSession.create(small, cpuSessionOptions(threads));
  const localBig = await ort.InferenceSession.create(big, cpuSessionOptions(threads));
  const keepSmall = await backend.load(small, { outputsOnDevice: true });
  const keepBig = await backend.load(big, { outputsOnDevice: true });
  const returnBig = await backend.load(big);
  const hostSmall = new ort.Tensor('float32', new Float32Array(1), [1]);
  const hostBig = new ort.Tensor('float32', new Float32Array(1 << 18), [1 << 18]);
  const residentSmall = only(await keepSmall.run({ x: hostSmall }));
  const residentBig = only(await keepBig.run({ x: hostBig }));
  const kept = (s: Session, x: TensorHandle) => async () => only(await s.run({ x })).release?.();
  const variants: [string, () => Promise<unknown>][] = [
    ['floor: onnxruntime run in process, 4 B', () => local.run({ x: hostSmall })],
    ['onnxruntime run in process, 1 MiB in and out', () => localBig.run({ x: hostBig })],
    ['lane run, 4 B resident in, kept', kept(keepSmall, residentSmall)],
    ['lane run, 1 MiB resident in, kept', kept(keepBig, residentBig)],
    ['lane run, 1 MiB host in (cloned), kept', kept(keepBig, hostBig)],
    ['lane run, 1 MiB resident in, out to host (transferred)', () => returnBig.run({ x: residentBig })],
  ];
  const times = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds + 5; r++) {
    for (const [i, [, fn]] of variants.entries()) {
      const us = await usOf(fn);
      if (r >= 5) times[i].push(us);
    }
  }
  const us = times.map(median);
  await local.release();
  await localBig.release();
  residentSmall.release?.();
  residentBig.release?.();
  for (const s of [keepSmall, keepBig, returnBig]) await s.dispose();
  const rows: Row[] = variants.map(([what], i) => ({ what, medianUs: round(us[i], 1) }));
  const messagingUs = us[2] - us[0];
  const copyInUsPerMiB = us[4] - us[3];
  rows.push(
    { what: 'output of 1 MiB, in process (1 MiB - floor)', medianUs: round(us[1] - us[0], 1) },
    { what: 'messaging per task (lane 4 B - floor)', medianUs: round(messagingUs, 1) },
    { what: 'copy of 1 MiB into a lane (host in - resident in)', medianUs: round(copyInUsPerMiB, 1) },
    { what: 'hand-back of 1 MiB (out to host - kept)', medianUs: round(us[5] - us[3], 1) },
  );
  return { rows, floorUs: us[0], messagingUs, copyInUsPerMiB };
}

/**
 * The floor of a one-operator-per-task design: the same task models run one after the other in this process
 * (plain onnxruntime sessions, no lanes, no messages, tensors handed on as they are).
 */
export async function inProcessChain(models: readonly OnnxTaskModel[], threads: number): Promise<{ run(feeds: Record<string, ort.Tensor>): Promise<void>; dispose(): Promise<void> }> {
  const sessions: ort.InferenceSession[] = [];
  for (const m of models) {
    sessions.push(await ort.InferenceSession.create(m.bytes, cpuSessionOptions(threads)));
  }
  return {
    async run(feeds) {
      const tensors: Record<string, ort.Tensor> = { ...feeds };
      for (const [i, s] of sessions.entries()) {
        const taskFeeds: Record<string, ort.Tensor> = {};
        for (const name of models[i].inputNames) taskFeeds[name] = tensors[name];
        Object.assign(tensors, await s.run(taskFeeds));
      }
    },
    async dispose() { for (const s of sessions) await s.release(); },
  };
}
