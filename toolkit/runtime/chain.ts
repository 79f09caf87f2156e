/**
 * Running a chain of task models on one backend: each task's inputs are taken by name from the request's
 * feeds and the outputs of earlier tasks, and its outputs are added for the tasks after it. This is the
 * simplest executor (one request, tasks in order); the scheduler interleaves many such chains.
 * With `outputsOnDevice`, cut tensors stay on the device (a cpu lane, a GPU) and are released right after the
 * last task that reads them, so they are not in the result.
 */
import { Backend, Session, TensorHandle } from './backend';
import { TaskModel, loadable } from '../partition/build';

export interface LoadedChain {
  readonly sessions: readonly Session[];
  readonly models: readonly TaskModel[];
  /** For each task, the tensors whose last reader it is. */
  readonly lastReads: readonly (readonly string[])[];
  dispose(): Promise<void>;
}

export async function loadChain(backend: Backend, models: readonly TaskModel[], outputsOnDevice = false): Promise<LoadedChain> {
  const sessions: Session[] = [];
  for (const [i, m] of models.entries()) {
    // The last task hands its results to the host; earlier ones may keep theirs on the device (the pool).
    sessions.push(await backend.load(loadable(m), { outputsOnDevice: outputsOnDevice && i < models.length - 1 }));
  }
  const lastReader = new Map<string, number>();
  models.forEach((m, i) => { for (const name of m.inputNames) lastReader.set(name, i); });
  const lastReads = models.map((_, i) => [...lastReader].filter(([, at]) => at === i).map(([name]) => name));
  return {
    sessions,
    models,
    lastReads,
    async dispose() { for (const s of sessions) await s.dispose(); },
  };
}

/** Runs the chain once and returns every tensor it received or produced (except released cut tensors), by name. */
export async function runChain(chain: LoadedChain, feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>> {
  const tensors: Record<string, TensorHandle> = { ...feeds };
  try {
    await runTasks(chain, feeds, tensors);
  } catch (error) {
    for (const [name, t] of Object.entries(tensors)) if (!(name in feeds)) t.release?.();
    throw error;
  }
  return tensors;
}

async function runTasks(chain: LoadedChain, feeds: Readonly<Record<string, TensorHandle>>, tensors: Record<string, TensorHandle>): Promise<void> {
  for (const [i, session] of chain.sessions.entries()) {
    const taskFeeds: Record<string, TensorHandle> = {};
    for (const name of chain.models[i].inputNames) {
      const t = tensors[name];
      if (t === undefined) throw new Error(`task ${i} needs '${name}', which no earlier task produced`);
      taskFeeds[name] = t;
    }
    Object.assign(tensors, await session.run(taskFeeds));
    for (const name of chain.lastReads[i]) {
      const t = tensors[name];
      if (t?.release !== undefined && !(name in feeds)) {
        t.release();
        delete tensors[name];
      }
    }
  }
}
