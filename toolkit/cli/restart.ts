/**
 * Starts this `quilt` command again in a child process whose environment has the cpu backend's malloc settings
 * (`runtime/cpu-process-env.ts`: glibc reads them only at start), when this process lacks them. The child
 * shares stdin, stdout and stderr; SIGINT and SIGTERM are passed on; its exit status (or signal) is this one's.
 * The child has the settings, so it never starts another.
 */
import { spawn } from 'node:child_process';
import { cpuProcessEnv } from '../runtime/cpu-process-env';

/** The child's exit, or undefined when this process already has the environment (run the command here). */
export function restartWithCpuEnv(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined {
  const env = cpuProcessEnv(process.env);
  if (env === undefined) return undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => { child.kill(signal); };
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve({ code, signal });
    });
  });
}
