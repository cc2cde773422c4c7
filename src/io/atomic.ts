// Files appear under their final names only when complete: write a temporary sibling, then rename.
import { writeFileSync, renameSync, unlinkSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AudiogenError } from '../errors.js';

/** Temporary name of a file being written (recognised and removed on resume). */
export const tmpName = (path: string) => `${path}.partial`;

/**
 * mkdir -p, one level at a time with the real reason on failure. Node's recursive mkdir loops forever where a
 * parent exists but refuses children (under /proc) and says ENOENT for a read-only parent.
 */
export function ensureDir(path: string): void {
  const missing: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    let stat: Stats;
    try {
      stat = statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR: a file further up; walking on reaches it and names it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(p) === p) throw outputError(p, err);
      missing.push(p);
      continue;
    }
    if (!stat.isDirectory()) throw new AudiogenError(`cannot write ${path}: ${p} is not a folder`);
    break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir, { throwIfNoEntry: false })?.isDirectory())
        continue;
      throw outputError(dir, err);
    }
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
