/**
 * Which host memory a backend's copies come from, as a sweep names it (`--host-memory`). The one place where the
 * backends' host-memory option plugs in: today every backend copies from pageable memory (what onnxruntime-node
 * hands its sessions, and what the simulated profiles' links model), so any other kind is refused here.
 */
import { QuiltError } from '../core/errors';
import { Backend } from '../runtime/backend';
import { openBackend } from '../sim/open';

/** The host memory a backend opens with when no flag names one. */
export const DEFAULT_HOST_MEMORY = 'pageable';

/** Opens `choice` for a host-memory kind (a QuiltError for a kind it does not take). */
export async function openForHostMemory(choice: string, hostMemory: string): Promise<Backend> {
  if (hostMemory !== DEFAULT_HOST_MEMORY) {
    throw new QuiltError(`--host-memory: '${hostMemory}': backend '${choice}' copies from pageable host memory only`);
  }
  return openBackend(choice);
}
