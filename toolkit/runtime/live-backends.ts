/**
 * What of this process holds onnxruntime sessions right now: cpu backends with worker lanes, in-process sessions.
 * onnxruntime-node aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'") when a
 * session or its environment is still alive while its thread or the process ends, as a race at exit; so every
 * holder registers here while it holds sessions and leaves when closed, and a program's one exit path
 * (`cli/main.ts`) closes whatever is still here before it sets its exit status. Commands close what they open
 * on every path themselves; this is the net under them, and the count is what tests check.
 */

export interface NativeHolder {
  close(): Promise<void>;
}

const live = new Set<NativeHolder>();

export function trackBackend(holder: NativeHolder): void {
  live.add(holder);
}

export function untrackBackend(holder: NativeHolder): void {
  live.delete(holder);
}

/** How many holders are still open. */
export function liveBackendCount(): number {
  return live.size;
}

/** Closes every holder still open (each once, errors swallowed: this is the way out) and says how many there were. */
export async function closeLiveBackends(): Promise<number> {
  const left = [...live];
  live.clear();
  for (const holder of left) await holder.close().catch(() => undefined);
  return left.length;
}
