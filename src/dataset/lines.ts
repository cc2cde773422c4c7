// The lines of a text file the user named (a split list, a dataset manifest), read a chunk at a time: a file of
// any size without holding it whole, a line of bounded length, only regular files (a FIFO never blocks), and a
// tick between chunks so a long read hears a signal.
import { closeSync, readSync } from 'node:fs';
import { NotAFileError, openRegularFile } from '../files/read.js';
import { noTick, type Tick } from './tick.js';

/** The longest line accepted: far beyond any real row, short of what a hostile file could make us hold. */
export const MAX_LINE_BYTES = 1 << 20;
const CHUNK_BYTES = 1 << 20;

/** Why a text file could not be read: a message naming the file (and line) without the key that named it. */
export class TextFileError extends Error {}

/**
 * Calls `onLine` with each line (without its `\n` or `\r\n`; a UTF-8 BOM at the start removed; invalid UTF-8
 * decoded as U+FFFD) and its 1-based number. `shown` names the file in messages.
 */
export async function forEachLine(
  path: string,
  shown: string,
  onLine: (text: string, line: number) => void,
  tick: Tick = noTick,
): Promise<void> {
  let fd: number;
  try {
    ({ fd } = openRegularFile(path));
  } catch (err) {
    if (err instanceof NotAFileError) throw new TextFileError(`${shown} is ${err.what}, not a file`);
    const code = (err as NodeJS.ErrnoException).code;
    throw new TextFileError(`${shown} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`);
  }
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    // Bytes of a line that began in an earlier chunk.
    let carry = Buffer.alloc(0);
    let line = 0;
    let position = 0;
    const tooLong = () =>
      new TextFileError(`${shown}:${line + 1}: a line longer than ${MAX_LINE_BYTES} bytes: not a text file of rows`);
    const emit = (bytes: Buffer) => {
      if (bytes.length > MAX_LINE_BYTES) throw tooLong();
      line++;
      let end = bytes.length;
      if (end > 0 && bytes[end - 1] === 0x0d) end--;
      const start = line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      onLine(bytes.toString('utf8', start, end), line);
    };
    for (;;) {
      await tick();
      let got: number;
      try {
        got = readSync(fd, chunk, 0, CHUNK_BYTES, position);
      } catch (err) {
        throw new TextFileError(`${shown} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
      if (got === 0) break;
      position += got;
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, 0); nl !== -1 && nl < got; nl = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, nl);
        emit(carry.length ? Buffer.concat([carry, piece]) : piece);
        carry = Buffer.alloc(0);
        start = nl + 1;
      }
      if (start < got) carry = Buffer.concat([carry, chunk.subarray(start, got)]);
      if (carry.length > MAX_LINE_BYTES) throw tooLong();
    }
    if (carry.length > 0) emit(carry);
  } finally {
    closeSync(fd);
  }
}
