// A stream folder: its four files, written under temporary names and renamed only when all are complete, and the
// rule for an existing folder (a new or empty folder, or one holding only a stream audiogen made, which is
// replaced; anything else is refused and nothing in it is touched).
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AudiogenError, EXIT } from '../errors.js';
import { readRegularFile } from '../files/read.js';
import { ensureDir, outputError, tmpName, writeFileAtomic } from '../io/atomic.js';

export const STREAM_JSON = 'stream.json';
/** The data files, renamed in this order before stream.json, which comes last: its presence means complete. */
export const STREAM_DATA = ['stream.wav', 'labels.csv', 'features.npy'] as const;
export type StreamFile = (typeof STREAM_DATA)[number];
export const STREAM_FORMAT = 'audiogen-stream';

const OWN = new Set<string>([...STREAM_DATA, STREAM_JSON].flatMap((f) => [f, tmpName(f)]));

function isOwnStream(dir: string): boolean {
  try {
    const info = JSON.parse(readRegularFile(join(dir, STREAM_JSON)).toString('utf8')) as { format?: unknown };
    return info?.format === STREAM_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Checks that a stream may be written to `dir` (usage error, exit 2, before anything is written): it does not
 * exist, is empty, or holds only a stream's files with the stream.json audiogen writes (leftover temporary files of
 * an interrupted run count as its own).
 */
export function checkStreamDir(dir: string, flag = '--out'): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new AudiogenError(`${flag}: ${dir} is a file, not a folder`, EXIT.config);
    entries = readdirSync(dir).sort();
  } catch (err) {
    if (err instanceof AudiogenError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new AudiogenError(`${flag}: cannot read ${dir} (${code ?? String(err)})`, EXIT.config);
  }
  const foreign = entries.filter((e) => !OWN.has(e));
  const finals = entries.filter((e) => (STREAM_DATA as readonly string[]).includes(e));
  if (foreign.length === 0 && (finals.length === 0 || isOwnStream(dir))) return;
  const what = foreign.length > 0 ? `"${foreign[0]}"` : `${finals[0]} without the ${STREAM_JSON} audiogen writes`;
  const more = foreign.length > 1 ? ` and ${foreign.length - 1} more` : '';
  throw new AudiogenError(
    `${flag}: ${dir} is not empty and is not a stream made by audiogen: it holds ${what}${more}. ` +
      'Choose a new or empty folder (audiogen replaces only a stream it made, and deletes nothing else).',
    EXIT.config,
  );
}

/** The data files of a stream being made, open under their temporary names. */
export class StreamFiles {
  private readonly fds = new Map<StreamFile, number>();
  private readonly tmp: string[] = [];

  constructor(readonly dir: string) {
    ensureDir(dir);
    try {
      for (const name of STREAM_DATA) {
        const path = tmpName(join(dir, name));
        this.tmp.push(path);
        this.fds.set(name, openOrFail(path));
      }
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /** Appends bytes to a file. */
  write(name: StreamFile, data: Uint8Array): void {
    const fd = this.fds.get(name)!;
    try {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done);
    } catch (err) {
      throw outputError(join(this.dir, name), err);
    }
  }

  /**
   * Flushes and closes the data files, then puts every file under its final name: an older stream.json goes first
   * (so a stream is never described by the wrong file), the data files, then `info` as the new stream.json.
   */
  commit(info: unknown): void {
    for (const [name, fd] of this.fds) {
      try {
        fsyncSync(fd);
        closeSync(fd);
      } catch (err) {
        throw outputError(join(this.dir, name), err);
      } finally {
        this.fds.delete(name);
      }
    }
    try {
      rmSync(join(this.dir, STREAM_JSON), { force: true });
      for (const name of STREAM_DATA) renameSync(tmpName(join(this.dir, name)), join(this.dir, name));
    } catch (err) {
      throw outputError(this.dir, err);
    }
    writeFileAtomic(join(this.dir, STREAM_JSON), `${JSON.stringify(info, null, 2)}\n`);
  }

  /** Closes and removes the temporary files (what an error or an interrupt leaves: nothing). */
  abort(): void {
    for (const fd of this.fds.values()) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.fds.clear();
    for (const path of this.tmp) rmSync(path, { force: true });
  }
}

function openOrFail(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (err) {
    throw outputError(path, err);
  }
}
