// Sealing a finished shard's files before they are renamed to their final names: each is flushed to disk (fsync)
// and its size and sha256 taken for the manifest. A build hands this to one of its workers, so reading a shard back
// to hash it costs the build process nothing.
import { createReadStream, fstat, fsync, open, close } from 'node:fs';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { outputError } from './atomic.js';

export interface SealedFile {
  bytes: number;
  sha256: string;
}

/** Seals files (their paths), each result at its path's index. */
export type Sealer = (paths: readonly string[]) => Promise<SealedFile[]>;

const openAsync = promisify(open);
const fsyncAsync = promisify(fsync);
const fstatAsync = promisify(fstat);
const closeAsync = promisify(close);

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Flushes, sizes and hashes the files, off the event loop (libuv's thread pool) but for the hashing itself. */
export const sealFiles: Sealer = (paths) =>
  Promise.all(
    paths.map(async (path) => {
      try {
        const fd = await openAsync(path, 'r');
        try {
          await fsyncAsync(fd);
          const { size } = await fstatAsync(fd);
          return { bytes: size, sha256: await sha256File(path) };
        } finally {
          await closeAsync(fd);
        }
      } catch (err) {
        throw outputError(path, err);
      }
    }),
  );
