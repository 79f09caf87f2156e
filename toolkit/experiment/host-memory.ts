/**
 * Which host memory a backend's copies come from, as a sweep names it (`--host-memory`): the sweep opens one
 * backend per kind through the one door (sim/open.ts), which refuses a kind the backend cannot price (pinned on
 * onnxruntime's backends, or on a profile without measured pinned copies) in one line.
 */
import { Backend } from '../runtime/backend';
import { checkHostMemory } from '../sim/link';
import { openBackend } from '../sim/open';

export { DEFAULT_HOST_MEMORY } from '../sim/link';

/** Opens `choice` for a host-memory kind (a QuiltError for a kind it does not take). */
export function openForHostMemory(choice: string, hostMemory: string): Promise<Backend> {
  return openBackend(choice, { hostMemory: checkHostMemory(hostMemory) });
}
