/**
 * Options every command that opens a backend shares: `--backend` (default cpu) and `--host-memory pageable|pinned`
 * (default pageable: the host memory a simulated device's copies come from; sim/link.ts), defined once here.
 */
import { RuntimeMemoryModel } from '../../memory/runtime-memory';
import { Backend } from '../../runtime/backend';
import { DEFAULT_HOST_MEMORY, openForHostMemory } from '../../experiment/host-memory';
import { ParsedArgs, stringFlag } from '../args';

export const BACKEND_FLAGS = {
  backend: { type: 'string' as const },
  'host-memory': { type: 'string' as const },
};

/** The backend `--backend` and `--host-memory` name. */
export async function openBackendOf(args: ParsedArgs): Promise<Backend> {
  return openForHostMemory(stringFlag(args, 'backend') ?? 'cpu', stringFlag(args, 'host-memory') ?? DEFAULT_HOST_MEMORY);
}

/** The runtime memory of the backend a plan or profile is for (`--backend`, default cpu); undefined: liveness only. */
export async function backendRuntime(args: ParsedArgs): Promise<RuntimeMemoryModel | undefined> {
  const backend = await openBackendOf(args);
  try {
    return await backend.runtimeMemory?.();
  } finally {
    await backend.close?.();
  }
}
