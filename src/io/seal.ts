// Sealing a finished shard's files before they are renamed to their final names: each is flushed to disk (fsync)
// and its size and sha256 taken for the manifest. A build hands this to one of its workers, so reading a shard back
// to hash it costs the build process nothing; and it hashes a growing x or tar file ahead, as its bytes become final,
// so little is left to do when the last batch is in.
import { closeSync, createReadStream, fstatSync, fsync, openSync, readSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { promisify } from 'node:util';
import { outputError } from './atomic.js';

export interface SealedFile {
  bytes: number;
  sha256: string;
}

/** Seals one shard's files: the same process (a worker) hashes ahead and seals. */
export interface Sealer {
  /** Hashes bytes [from, to) of a file being written, which will not change any more (`from`: where the last ended). */
  ahead(path: string, from: number, to: number): Promise<void>;
  /** Flushes, sizes and hashes the files, each result at its path's index. */
  seal(paths: readonly string[]): Promise<SealedFile[]>;
}

const fsyncAsync = promisify(fsync);
// Bytes hashed ahead between two flushes: the writeback of a big shard is spread over the build, not left to the end.
const FLUSH_BYTES = 32 << 20;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file hashed ahead: its hash so far, where it stops, its descriptor, and its flush in progress. */
interface Ahead {
  hash: Hash;
  at: number;
  fd: number;
  unflushed: number;
  flushing: Promise<void>;
}

/** The hashes ahead a process holds for the shards it will seal. */
export class Digests implements Sealer {
  private readonly files = new Map<string, Ahead>();
  private buffer = Buffer.alloc(1 << 20);

  async ahead(path: string, from: number, to: number): Promise<void> {
    let f = this.files.get(path);
    try {
      if (!f) {
        f = { hash: createHash('sha256'), at: 0, fd: openSync(path, 'r'), unflushed: 0, flushing: Promise.resolve() };
        this.files.set(path, f);
      }
      if (from !== f.at) throw new Error(`${path}: hashed ahead to ${f.at}, then asked from ${from}`);
      this.hashRange(f, path, to);
    } catch (err) {
      throw outputError(path, err);
    }
    f.unflushed += to - from;
    if (f.unflushed >= FLUSH_BYTES) {
      f.unflushed = 0;
      const fd = f.fd;
      // Off this thread (libuv's pool); a failure shows again at the seal's own fsync.
      f.flushing = f.flushing.then(() => fsyncAsync(fd)).catch(() => {});
    }
  }

  seal(paths: readonly string[]): Promise<SealedFile[]> {
    return Promise.all(paths.map((path) => this.sealOne(path)));
  }

  private async sealOne(path: string): Promise<SealedFile> {
    const f = this.files.get(path);
    this.files.delete(path);
    try {
      if (!f) {
        const fd = openSync(path, 'r');
        try {
          await fsyncAsync(fd);
          return { bytes: fstatSync(fd).size, sha256: await sha256File(path) };
        } finally {
          closeSync(fd);
        }
      }
      try {
        const bytes = fstatSync(f.fd).size;
        this.hashRange(f, path, bytes);
        await f.flushing;
        await fsyncAsync(f.fd);
        return { bytes, sha256: f.hash.digest('hex') };
      } finally {
        closeSync(f.fd);
      }
    } catch (err) {
      throw outputError(path, err);
    }
  }

  /** Reads and hashes the file from where its hash stops up to `to`. */
  private hashRange(f: Ahead, path: string, to: number): void {
    while (f.at < to) {
      const n = readSync(f.fd, this.buffer, 0, Math.min(this.buffer.length, to - f.at), f.at);
      if (n === 0) throw new Error(`${path}: ends at ${f.at}, before ${to}`);
      f.hash.update(this.buffer.subarray(0, n));
      f.at += n;
    }
  }
}
