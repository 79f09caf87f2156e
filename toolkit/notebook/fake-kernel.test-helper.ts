/**
 * For tests: makes this process look like a tslab kernel serving a cell (tslab's Jupyter module gets a
 * display hook), and records what would have been sent to the notebook.
 */
export interface DisplayMessage {
  data: Record<string, string>;
  transient: { display_id?: string };
  update: boolean;
}

interface JupyterModule {
  lastWriteDisplayData: ((message: Omit<DisplayMessage, 'update'>, update?: boolean) => void) | null;
}

export function fakeKernel(): { outputs: DisplayMessage[]; stop(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require('tslab/dist/jupyter') as JupyterModule;
  const outputs: DisplayMessage[] = [];
  jupyter.lastWriteDisplayData = (message, update) => {
    outputs.push({ ...message, update: update === true });
  };
  return {
    outputs,
    stop() {
      jupyter.lastWriteDisplayData = null;
    },
  };
}
