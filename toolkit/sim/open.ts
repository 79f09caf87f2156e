/**
 * Opening a backend by its command-line name: `sim:<device>` (a profile in datasets/devices, or a path to a
 * profile file) opens the simulated backend; every other name goes to onnxruntime's `openBackend`.
 */
import { QuiltError } from '../core/errors';
import { Backend } from '../runtime/backend';
import { BackendChoice, BACKEND_CHOICES, openBackend } from '../runtime/ort-backend';
import { findRepoRoot } from '../zoo';
import { loadProfile } from './profile';
import { SimBackend } from './sim-backend';
import { HostMemory } from './link';

/** How a backend is opened beyond its name. */
export interface OpenOptions {
  /** Host memory of the simulated device's copies (`--host-memory`); onnxruntime's backends take pageable buffers only. */
  readonly hostMemory?: HostMemory;
}

export function isSimChoice(choice: string): boolean {
  return choice.startsWith('sim:');
}

/** Opens `sim:<device>` from its profile. */
export function openSimBackend(choice: string, repoRoot = findRepoRoot(), options: OpenOptions = {}): SimBackend {
  const name = choice.slice('sim:'.length);
  if (name.length === 0) throw new QuiltError(`--backend: '${choice}' names no device profile (e.g. sim:h100)`);
  const { profile, file } = loadProfile(name, repoRoot);
  return new SimBackend(profile, file, { hostMemory: options.hostMemory });
}

/** Any backend the CLI can name: onnxruntime's (cpu, webgpu, cuda, auto) or a simulated device. */
export async function openAnyBackend(choice: string, options: OpenOptions = {}): Promise<Backend> {
  if (isSimChoice(choice)) return openSimBackend(choice, findRepoRoot(), options);
  if (options.hostMemory !== undefined && options.hostMemory !== 'pageable') {
    throw new QuiltError(`--host-memory ${options.hostMemory}: only simulated backends (sim:<device>) model it; onnxruntime-node hands sessions pageable buffers`);
  }
  if (!BACKEND_CHOICES.includes(choice as BackendChoice)) {
    throw new QuiltError(`--backend: '${choice}' is not a backend (choose one of ${BACKEND_CHOICES.join(', ')}, or sim:<device>)`);
  }
  return openBackend(choice as BackendChoice);
}
