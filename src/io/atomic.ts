// Files appear under their final names only when complete: write a temporary sibling, then rename.
import { writeFileSync, renameSync, unlinkSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AudiogenError } from '../errors.js';

/** Temporary name of a file being written (recognised and removed on resume). */
export const tmpName = (path: string) => `${path}.partial`;

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tmpName(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw outputError(path, err);
  }
}

/** A clear message for a failed write: the path and the system's reason. */
export function outputError(path: string, err: unknown): AudiogenError {
  const e = err as NodeJS.ErrnoException;
  const reason =
    e.code === 'ENOSPC'
      ? 'no space left on device'
      : e.code === 'EACCES' || e.code === 'EPERM'
        ? 'permission denied'
        : e.code === 'EROFS'
          ? 'read-only file system'
          : (e.message ?? String(err));
  return new AudiogenError(`cannot write ${path}: ${reason}`);
}
