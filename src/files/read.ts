// Reading a file the user named, without ever blocking: a FIFO, socket or device under a file's name (or a link to
// one) would block open() or read() forever and make the process deaf to signals, so only regular files are read.
import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats, type Stats } from 'node:fs';

/** Thrown for a path that exists but is not a regular file; `code` mimics a system error code. */
export class NotAFileError extends Error {
  readonly code = 'ENOTREG';
  constructor(
    readonly path: string,
    readonly what: string,
  ) {
    super(`${path} is ${what}, not a regular file`);
    this.name = 'NotAFileError';
  }
}

/** What a non-regular file is, in words. */
export function kindOf(stat: Stats | BigIntStats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Opens a regular file for reading: O_NONBLOCK so a FIFO cannot block the open, then fstat on the descriptor (no
 * race with a rename) to refuse anything else. Throws the system error (ENOENT, EACCES, ...) or NotAFileError.
 * `mtimeMs`: the modification time to the nearest millisecond, in integers (a time copied or restored through a
 * float, by utimes or Date, comes back the same), when asked (a stat with 64-bit fields).
 */
export function openRegularFile(path: string): { fd: number; size: number };
export function openRegularFile(path: string, withTime: true): { fd: number; size: number; mtimeMs: number };
export function openRegularFile(path: string, withTime = false): { fd: number; size: number; mtimeMs?: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    if (withTime) {
      const stat = fstatSync(fd, { bigint: true });
      if (!stat.isFile()) throw new NotAFileError(path, kindOf(stat));
      return { fd, size: Number(stat.size), mtimeMs: Number((stat.mtimeNs + 500_000n) / 1_000_000n) };
    }
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new NotAFileError(path, kindOf(stat));
    return { fd, size: stat.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** The whole of a regular file, read into `into` when it is big enough (no allocation), else a new buffer. */
export function readRegularFile(path: string, into?: Buffer): Buffer {
  const { fd, size } = openRegularFile(path);
  try {
    const buffer = into && into.length >= size ? into : Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buffer, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buffer.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
