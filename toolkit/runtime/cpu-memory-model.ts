/**
 * The runtime memory model of the `cpu` backend (onnxruntime's CPU provider with `cpuSessionOptions`): which of
 * the terms of `memory/runtime-memory.ts` apply on this machine. The NCHWc block follows the CPU's vector width
 * (MLAS: 16 channels with AVX-512F, 8 with AVX2, no blocking otherwise); the session's fixed bytes are measured
 * once with a one-node model and cached (`session-memory.ts`). The cpu backend hands this model out through the
 * Backend seam (`Backend.runtimeMemory`), so callers never ask which backend they hold.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { RuntimeMemoryModel } from '../memory/runtime-memory';
import { cpuLaneLayout } from './cpu-session-options';
import { calibrateSessionBytes } from './session-memory';

/** The NCHWc block MLAS picks for a CPU with these /proc/cpuinfo flags. */
export function nchwcBlockFor(flags: ReadonlySet<string>): number {
  if (flags.has('avx512f')) return 16;
  if (flags.has('avx2')) return 8;
  return 1;
}

function cpuFlags(): Set<string> {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return new Set();
  }
}

export function cpuRuntimeMemory(options: { threads?: number; sessionBytes?: number } = {}): RuntimeMemoryModel {
  const block = nchwcBlockFor(cpuFlags());
  const threads = options.threads ?? cpuLaneLayout(os.cpus().length).threads;
  return {
    name: `onnxruntime cpu (nchwc block ${block}, ${threads} thread${threads === 1 ? '' : 's'})`,
    inPlace: true, feedsLiveToEnd: true, nchwcBlock: block, im2col: true, prepack: true, fp16AsFloat32: true, threads, sessionBytes: options.sessionBytes ?? 0,
  };
}

/** The cpu model with its `session` term measured (once per onnxruntime version, CPU and thread count; cached). */
export async function calibratedCpuRuntimeMemory(options: { threads?: number } = {}): Promise<RuntimeMemoryModel> {
  const sessionBytes = await calibrateSessionBytes(options.threads);
  return {
    ...cpuRuntimeMemory({ threads: options.threads, sessionBytes }),
    calibration: `session ${sessionBytes} B: measured once per onnxruntime version, CPU and thread count with a one-node model, cached in .cache/memory/`,
  };
}
