/**
 * The process environment the `cpu` backend wants: glibc's malloc told to keep freed memory instead of giving
 * it back to the system at once. Written once here; the `quilt` command line starts itself again with it
 * (cli/main.ts) and the bench's section processes get it (bench/main.ts). glibc reads these variables only when
 * a process starts, so a running process cannot set them for itself.
 *
 * Why (measured by `toolkit/bench/session-cost.ts` and a per-run count of page faults, loaded 2-core machine):
 * every onnxruntime-node run hands each output over in a fresh JavaScript ArrayBuffer. With glibc's defaults a
 * freed buffer of a few MiB goes back to the system (munmap, or a trim of the heap's top), so the next output
 * faults every page in again, zeroed by the kernel: the ResNet-50 layer chain in one process (122 one-operator
 * sessions) took 160-355 ms with 5,500-8,000 page faults and 30-67 ms of system time per run; with these two
 * settings 75-117 ms, 9-54 faults, 6-10 ms (the whole model: 55-60 ms either way). Every task boundary pays it
 * (quilt's cut tensors too), one-operator tasks the most.
 * Values: buffers up to 32 MiB (glibc's own ceiling for its adaptive mmap threshold) come from the heap, and
 * up to 256 MiB of free heap top stays in the process. Setting only the trim threshold is worse than neither
 * (it freezes the mmap threshold at 128 KiB), so a user who sets either variable keeps both as set.
 * The memory probe (`experiment/measure-memory.ts`) sets its own values for its measuring processes.
 */

export const CPU_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20),
  MALLOC_TRIM_THRESHOLD_: String(256 * 2 ** 20),
};

/** The environment to start a cpu-backend process with, or undefined when `env` already is (or the user chose). */
export function cpuProcessEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv | undefined {
  if (Object.keys(CPU_MALLOC_ENV).some((key) => env[key] !== undefined)) return undefined;
  return { ...env, ...CPU_MALLOC_ENV };
}
