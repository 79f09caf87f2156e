/**
 * The one door to a backend: `openBackend(choice)` opens onnxruntime's backends (`cpu`, `webgpu`, `cuda`, or `auto`
 * for the best that answers, runtime/ort-backend.ts) and the simulated ones (`sim:<profile>`: a profile in
 * datasets/devices, or a path to a profile file). It lives here, beside the simulator, because this is the lowest
 * layer that sees both; everything above opens backends through it and asks a backend what it is (its `simulated`
 * field), never its name.
 */
import { QuiltError } from '../core/errors';
import { findRepoRoot } from '../core/paths';
import { Backend } from '../runtime/backend';
import { BACKEND_CHOICES, BackendChoice, OrtBackendOptions, openOrtBackend } from '../runtime/ort-backend';
import { loadProfile } from './profile';
import { SimBackend } from './sim-backend';

const SIM_PREFIX = 'sim:';

export interface OpenBackendOptions extends OrtBackendOptions {
  /** Where `sim:<profile>` looks for datasets/devices; default: this checkout. */
  readonly repoRoot?: string;
}

/** Opens the simulated backend of `sim:<profile>`. */
function openSimBackend(choice: string, repoRoot: string): SimBackend {
  const name = choice.slice(SIM_PREFIX.length);
  if (name.length === 0) throw new QuiltError(`--backend: '${choice}' names no device profile (e.g. sim:h100)`);
  const { profile, file } = loadProfile(name, repoRoot);
  return new SimBackend(profile, file);
}

/**
 * Opens a backend by its command-line name: cpu, webgpu, cuda, auto, or sim:<profile>. A name that is none of
 * these, or a backend that cannot run here, is a QuiltError that says what to choose or how to get it.
 */
export async function openBackend(choice: `sim:${string}`, options?: OpenBackendOptions): Promise<SimBackend>;
export async function openBackend(choice?: string, options?: OpenBackendOptions): Promise<Backend>;
export async function openBackend(choice = 'cpu', options: OpenBackendOptions = {}): Promise<Backend> {
  if (choice.startsWith(SIM_PREFIX)) return openSimBackend(choice, options.repoRoot ?? findRepoRoot());
  if (!BACKEND_CHOICES.includes(choice as BackendChoice)) {
    throw new QuiltError(`--backend: '${choice}' is not a backend (choose one of ${BACKEND_CHOICES.join(', ')}, or sim:<profile>)`);
  }
  return openOrtBackend(choice as BackendChoice, options);
}
