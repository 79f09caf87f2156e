/**
 * The memory probe: a child process that measures what one task's session really uses on the cpu backend.
 * `session-memory.ts` starts it once per model file (`node --expose-gc memory-probe.js <request.json>`), one at a time,
 * and reads one JSON line from its stdout.
 *
 * Stages (each reading /proc/self/status; Linux only):
 *   1. Warm up: load onnxruntime and create, run and release a session of a tiny model, so that the process-wide
 *      parts (the library's code pages, its environment, the logging manager) are in place before the baseline.
 *   2. Baseline: collect garbage, read VmRSS (resident bytes before the session exists).
 *   3. Create the session from the task file with the cpu backend's options (`cpuSessionOptions`): weights are
 *      read, optimised (layout changes, pre-packing) and kept. Read VmRSS again (the resident session).
 *   4. Allocate the inputs, reset the high-water mark (writing 5 to /proc/self/clear_refs sets VmHWM to the
 *      current VmRSS), run the session once, read VmHWM.
 * measured = VmHWM - baseline - the bytes of the outputs' JavaScript copies: the most resident memory the task
 * needed at once (weights as the runtime keeps them, its inputs, the tensors it computes, its working buffers,
 * the allocator's retained pages). Why the copies come off: onnxruntime-node copies every output into a new
 * JavaScript buffer after the run (a pre-allocated fetch is copied too), and onnxruntime's arena keeps every chunk
 * the run touched, so the high-water mark is always reached during that copy: it is the arena's high-water mark
 * plus the copies. On a device the outputs exist once, in the runtime's memory. One run: the copies of an earlier
 * run may still be awaiting collection; without the memory pattern (`cpuSessionOptions`) later runs reuse the
 * arena's chunks. Creation's transient peak (decoding the file) is not counted: a device keeps only the session.
 */
import { elementCount } from '../graph/graph';
import * as fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { cpuSessionOptions } from './cpu-session-options';

export interface ProbeInput {
  readonly name: string;
  readonly dtype: string;
  readonly dims: readonly number[];
  /** Integers are drawn in [0, bound). */
  readonly bound: number;
  /** Given values (`--input-value`), repeated to fill the tensor. */
  readonly values?: readonly number[];
}

export interface ProbeRequest {
  readonly modelFile: string;
  readonly warmupFile: string;
  readonly inputs: readonly ProbeInput[];
  readonly threads: number;
}

export interface ProbeResult {
  readonly baselineBytes: number;
  /** VmRSS after the session was created, less the baseline. */
  readonly sessionBytes: number;
  /** VmHWM over the run, less the baseline and the outputs' JavaScript copies. */
  readonly measuredBytes: number;
  /** Bytes of the outputs' JavaScript copies (taken off). */
  readonly outputCopyBytes: number;
}

function statusBytes(field: 'VmRSS' | 'VmHWM'): number {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  const kb = line === undefined ? NaN : Number(line.slice(field.length + 1).trim().split(/\s+/)[0]);
  if (!Number.isFinite(kb)) throw new Error(`/proc/self/status has no ${field}`);
  return kb * 1024;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Inputs filled with a cheap deterministic pattern: memory does not depend on the values. */
function makeFeeds(inputs: readonly ProbeInput[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const n = elementCount(input.dims);
    const dims = [...input.dims];
    const given = input.values;
    if (given !== undefined && given.length > 0) {
      const at = (i: number) => given[i % given.length];
      if (input.dtype === 'int64') feeds[input.name] = new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(Math.trunc(at(i)))), dims);
      else if (input.dtype === 'int32') feeds[input.name] = new ort.Tensor('int32', Int32Array.from({ length: n }, (_, i) => at(i)), dims);
      else if (input.dtype === 'bool') feeds[input.name] = new ort.Tensor('bool', Uint8Array.from({ length: n }, (_, i) => (at(i) ? 1 : 0)), dims);
      else if (input.dtype === 'uint8') feeds[input.name] = new ort.Tensor('uint8', Uint8Array.from({ length: n }, (_, i) => at(i)), dims);
      else if (input.dtype === 'int8') feeds[input.name] = new ort.Tensor('int8', Int8Array.from({ length: n }, (_, i) => at(i)), dims);
      else if (input.dtype === 'float32') feeds[input.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => at(i)), dims);
      else throw new Error(`the memory probe cannot make inputs of type ${input.dtype} ('${input.name}')`);
      continue;
    }
    switch (input.dtype) {
      case 'float32': {
        const data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = ((i * 2654435761) % 2001) / 1000 - 1;
        feeds[input.name] = new ort.Tensor('float32', data, dims);
        break;
      }
      case 'int64': {
        const data = new BigInt64Array(n);
        for (let i = 0; i < n; i++) data[i] = BigInt(i % input.bound);
        feeds[input.name] = new ort.Tensor('int64', data, dims);
        break;
      }
      case 'int32': {
        const data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = i % input.bound;
        feeds[input.name] = new ort.Tensor('int32', data, dims);
        break;
      }
      case 'bool': feeds[input.name] = new ort.Tensor('bool', new Uint8Array(n), dims); break;
      case 'uint8': feeds[input.name] = new ort.Tensor('uint8', Uint8Array.from({ length: n }, (_, i) => i % 256), dims); break;
      case 'int8': feeds[input.name] = new ort.Tensor('int8', Int8Array.from({ length: n }, (_, i) => (i % 256) - 128), dims); break;
      default: throw new Error(`the memory probe cannot make inputs of type ${input.dtype} ('${input.name}')`);
    }
  }
  return feeds;
}

export async function probe(request: ProbeRequest): Promise<ProbeResult> {
  const warm = await ort.InferenceSession.create(request.warmupFile, cpuSessionOptions(request.threads));
  await warm.run({ [warm.inputNames[0]]: new ort.Tensor('float32', new Float32Array(4), [1, 4]) });
  await warm.release();
  collectGarbage();
  const baselineBytes = statusBytes('VmRSS');
  const session = await ort.InferenceSession.create(request.modelFile, cpuSessionOptions(request.threads));
  collectGarbage();
  const sessionBytes = statusBytes('VmRSS') - baselineBytes;
  const feeds = makeFeeds(request.inputs);
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const outputs = await session.run(feeds);
  const peak = statusBytes('VmHWM');
  let outputCopyBytes = 0;
  for (const t of Object.values(outputs)) outputCopyBytes += (t.data as ArrayBufferView).byteLength;
  await session.release();
  return { baselineBytes, sessionBytes, measuredBytes: peak - baselineBytes - outputCopyBytes, outputCopyBytes };
}

if (require.main === module) {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as ProbeRequest;
  probe(request).then(
    (result) => { process.stdout.write(`${JSON.stringify(result)}\n`); },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
