/**
 * QuiltError: a problem with the user's input (a file, a flag, a workload), reported as one line that says
 * what was wrong and where. The CLI prints its message without a stack trace; other errors are bugs.
 */
export class QuiltError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuiltError';
  }
}

/** The message of any thrown thing, on one line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
