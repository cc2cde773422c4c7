// Files appear under their final names only when complete: write a temporary sibling, then rename.
import { writeFileSync, renameSync, unlinkSync, mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { AudiogenError } from '../errors.js';

/** Temporary name of a file being written (recognised and removed on resume). */
export const tmpName = (path: string) => `${path}.partial`;

/** mkdir -p with the real reason on failure (Node's recursive mkdir says ENOENT for a read-only parent). */
export function ensureDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && existsSync(dirname(path))) {
      try {
        mkdirSync(path);
      } catch (inner) {
        throw outputError(path, inner);
      }
    }
    throw outputError(path, err);
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tmpName(path);
  ensureDir(dirname(path));
  try {
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
