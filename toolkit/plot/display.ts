/**
 * The notebook's display, when this code runs inside a tslab kernel, else undefined. tslab's `display` only
 * works while its kernel is serving a cell (its Jupyter module then holds the hook that writes display data),
 * so this looks for a loaded tslab whose hook is set: the kernel's own, wherever that tslab is installed.
 */
import * as path from 'node:path';

export interface NotebookDisplay {
  html(html: string): void;
  text(text: string): void;
}

interface TslabPublic {
  display: NotebookDisplay;
  newDisplay(): NotebookDisplay;
}

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

function kernelTslab(): TslabPublic | undefined {
  for (const [file, loaded] of Object.entries(require.cache)) {
    if (!loaded || !JUPYTER_MODULE.test(file)) continue;
    const hook = (loaded.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
    if (typeof hook !== 'function') continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(path.dirname(file), 'public.js')) as TslabPublic;
  }
  return undefined;
}

/** The notebook's display (each call adds an output), or undefined outside a notebook. */
export function notebookDisplay(): NotebookDisplay | undefined {
  return kernelTslab()?.display;
}

/** A display that later calls overwrite (one output that updates), or undefined outside a notebook. */
export function updatingDisplay(): NotebookDisplay | undefined {
  return kernelTslab()?.newDisplay();
}
