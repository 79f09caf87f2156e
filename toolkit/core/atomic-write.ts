/**
 * The one atomic file write: the content goes to a temporary file in the target's folder (created if missing),
 * is flushed to disk, then renamed over the target. Invariant: a reader sees the old file or the new one, never
 * half of one (a rename is atomic within a folder); a failed write leaves no temporary file behind, and a path
 * that cannot be written (a file where a folder should be, no permission, no space) is a QuiltError naming it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeError } from './errors';

function tempPathFor(target: string): string {
  const dir = path.dirname(path.resolve(target));
  return path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function mkdirFor(target: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  } catch (error) {
    throw writeError(target, error);
  }
}

/** Writes `content` to `target` atomically. */
export function writeFileAtomic(target: string, content: string | Uint8Array): void {
  mkdirFor(target);
  const temp = tempPathFor(target);
  try {
    const fd = fs.openSync(temp, 'wx');
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw writeError(target, error);
  }
}

/** The same, without blocking the event loop (for large files such as generated models). */
export async function writeFileAtomicAsync(target: string, content: string | Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(path.resolve(target)), { recursive: true }).catch((error: unknown) => { throw writeError(target, error); });
  const temp = tempPathFor(target);
  try {
    const handle = await fs.promises.open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, target);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw writeError(target, error);
  }
}

/** Copies `source` to `target` atomically. */
export function copyFileAtomic(source: string, target: string): void {
  mkdirFor(target);
  const temp = tempPathFor(target);
  try {
    fs.copyFileSync(source, temp);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw fs.existsSync(source) ? writeError(target, error) : error;
  }
}
