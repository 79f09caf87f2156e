/**
 * One try of the GPU kit's Vulkan set-up probe (run.sh): in a fresh process, whose environment (loader variables,
 * library path) run.sh set before Node started, run a one-operator model on onnxruntime's WebGPU provider.
 * Prints `ok` and exits 0 when it computed the right answer; else prints what went wrong on one line, exit 1.
 * run.sh caps each try at 30 s, since a broken driver can hang.
 */
import { checkBackend } from '../../toolkit/runtime/ort-backend';

async function main(): Promise<number> {
  const problem = await checkBackend('webgpu');
  process.stdout.write(`${problem ?? 'ok'}\n`);
  return problem === undefined ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stdout.write(`${String(error instanceof Error ? error.message : error).split('\n')[0]}\n`);
  process.exitCode = 1;
});
