/**
 * Writing a whole folder so that nothing is ever half-written: the output folder is checked before any work
 * (`checkOutFolder`: writable, and empty unless `force`), the files go to a temporary folder beside it, and only
 * when all are written does the temporary folder take the output's place (one rename; with `force`, the old
 * folder is moved aside first and removed after). A failure removes the temporary folder and leaves the old
 * output as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { QuiltError, writeError } from '../../core/errors';

/** Throws a one-line QuiltError when `out` cannot be written, or is a file, or is a non-empty folder without `force`. */
export function checkOutFolder(out: string, force: boolean): void {
  const target = path.resolve(out);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(target);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOTDIR') throw writeError(out, error);
    stat = undefined;
  }
  if (stat !== undefined && !stat.isDirectory()) throw new QuiltError(`--out: '${out}' is a file, not a folder`);
  if (stat !== undefined && !force && fs.readdirSync(target).length > 0) {
    throw new QuiltError(`--out: '${out}' is not empty (give --force to replace it)`);
  }
  const parent = path.dirname(target);
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.accessSync(parent, fs.constants.W_OK);
  } catch (error) {
    throw writeError(out, error);
  }
}

/** Runs `fill(tempFolder)`, then puts the folder in `out`'s place; `out` is untouched when `fill` throws. */
export async function writeFolderAtomic(out: string, force: boolean, fill: (folder: string) => Promise<void>): Promise<void> {
  checkOutFolder(out, force);
  const target = path.resolve(out);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.mkdirSync(temp);
  } catch (error) {
    throw writeError(out, error);
  }
  try {
    await fill(temp);
    checkOutFolder(out, force); // it may have changed while the files were written
    if (fs.existsSync(target)) {
      const old = `${temp}.old`;
      fs.renameSync(target, old);
      try {
        fs.renameSync(temp, target);
      } catch (error) {
        fs.renameSync(old, target); // put the old folder back
        throw error;
      }
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(temp, target);
    }
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw writeError(out, error);
  }
}
