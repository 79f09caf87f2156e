/**
 * Running a chain of task models on one backend: each task's inputs are taken by name from the request's
 * feeds and the outputs of earlier tasks, and its outputs are added for the tasks after it. This is the
 * simplest executor (one request, tasks in order); the scheduler interleaves many such chains.
 */
import { Backend, Session, TensorHandle } from './backend';
import { TaskModel } from '../partition/build';

export interface LoadedChain {
  readonly sessions: readonly Session[];
  readonly models: readonly TaskModel[];
  dispose(): Promise<void>;
}

export async function loadChain(backend: Backend, models: readonly TaskModel[], outputsOnDevice = false): Promise<LoadedChain> {
  const sessions: Session[] = [];
  for (const [i, m] of models.entries()) {
    // The last task hands its results to the host; earlier ones may keep theirs on the device (the pool).
    sessions.push(await backend.load(m.bytes, { outputsOnDevice: outputsOnDevice && i < models.length - 1 }));
  }
  return {
    sessions,
    models,
    async dispose() { for (const s of sessions) await s.dispose(); },
  };
}

/** Runs the chain once and returns every tensor it produced or received, by name. */
export async function runChain(chain: LoadedChain, feeds: Readonly<Record<string, TensorHandle>>): Promise<Record<string, TensorHandle>> {
  const tensors: Record<string, TensorHandle> = { ...feeds };
  for (const [i, session] of chain.sessions.entries()) {
    const taskFeeds: Record<string, TensorHandle> = {};
    for (const name of chain.models[i].inputNames) {
      const t = tensors[name];
      if (t === undefined) throw new Error(`task ${i} needs '${name}', which no earlier task produced`);
      taskFeeds[name] = t;
    }
    Object.assign(tensors, await session.run(taskFeeds));
  }
  return tensors;
}
