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

const WRITE_REASONS: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of the path is a file, not a folder', EEXIST: 'a file is in the way of a folder', EACCES: 'permission denied',
  EPERM: 'permission denied', EROFS: 'read-only file system', ENOSPC: 'no space left on the device', EISDIR: 'it is a folder',
  ENOENT: 'a folder on the path does not exist', ENAMETOOLONG: 'the name is too long',
};

/**
 * A failure to write an output file, as the user error it is: the path and the system's reason (read from the
 * error's code, never its message). Anything without a code is returned unchanged (a bug, not the user's).
 */
export function writeError(file: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || error instanceof QuiltError) return error;
  return new QuiltError(`cannot write '${file}': ${WRITE_REASONS[code] ?? code}`);
}
