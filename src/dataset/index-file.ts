// Per-class index files: the order of a class's files. Sorted by default; with shuffle_index_dir, shuffled once
// and kept, so MLTK's positional (index) split stays put across runs.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AudiogenError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { NotAFileError, readRegularFile } from '../files/read.js';
import { isInside } from './list.js';
import { rngFor, shuffleInPlace } from '../random/rng.js';

export interface ClassIndex {
  /** Files relative to the class folder, in index order. */
  files: string[];
  /** The index file that holds this order (written only when `write`). */
  path: string | null;
  /** Whether an existing index file was reused. */
  reused: boolean;
}

export function indexFilePath(dir: string, className: string): string {
  return join(dir, `${className}.txt`);
}

/** A line of an index file must name a file inside its class folder. */
function checkLine(line: string, file: string, lineNo: number): void {
  const parts = line.split('/');
  if (line.startsWith('/') || /^[a-zA-Z]:/.test(line) || parts.includes('..') || line.includes('\\')) {
    throw new AudiogenError(
      `${file}:${lineNo}: "${line}" points outside its class folder; delete the index file to rebuild it`,
    );
  }
}

/** The lines of an index file: a regular file inside shuffle_index_dir (a FIFO there must not block the listing). */
export function readIndexFile(path: string): string[] {
  let text: string;
  try {
    const real = realpathSync(path);
    if (!isInside(realpathSync(dirname(path)), real))
      throw new AudiogenError(
        `${path}: the index file is a symlink out of dataset.shuffle_index_dir (to ${real}); delete it to rebuild it`,
      );
    text = readRegularFile(path).toString('utf8');
  } catch (err) {
    if (err instanceof AudiogenError) throw err;
    const why =
      err instanceof NotAFileError
        ? `is ${err.what}, not a regular file`
        : `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    throw new AudiogenError(`${path}: the index file ${why}; delete it to rebuild it`);
  }
  const lines = text.split('\n');
  const files: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    checkLine(line, path, i + 1);
    files.push(line);
  });
  return files;
}

/**
 * The class order. `listing` is the sorted folder listing. With `shuffleIndexDir`, an existing index file is reused
 * while every file it lists still exists; files added since are appended in sorted order (MLTK would ignore them).
 */
export function classIndex(opts: {
  className: string;
  listing: readonly string[];
  shuffleIndexDir: string | null;
  seed: number;
  write: boolean;
}): ClassIndex {
  const { className, listing, shuffleIndexDir, seed, write } = opts;
  if (shuffleIndexDir === null) return { files: [...listing], path: null, reused: false };

  const path = indexFilePath(shuffleIndexDir, className);
  const present = new Set(listing);
  if (existsSync(path)) {
    const kept = readIndexFile(path);
    if (kept.every((f) => present.has(f))) {
      const known = new Set(kept);
      const added = listing.filter((f) => !known.has(f));
      const files = [...kept, ...added];
      if (added.length > 0 && write) writeFileAtomic(path, files.join('\n') + '\n');
      return { files, path, reused: true };
    }
  }
  const files = [...listing];
  shuffleInPlace(files, rngFor(seed, 'class-index', className));
  if (write) writeFileAtomic(path, files.join('\n') + '\n');
  return { files, path, reused: false };
}
