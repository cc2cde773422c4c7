// Reads an audio file from disk without trusting it: only regular files are opened (a FIFO or device never blocks).
// A WAV file is read only as far as decoding needs (the header walk and the data chunk), so a clip followed by
// gigabytes of junk costs nothing; a compressed file (FLAC, Ogg, MP3) is read whole, up to WAV_LIMITS'
// maxCompressedBytes. Throws the system error, NotAFileError or AudioError; callers name the file.
import { closeSync, readSync } from 'node:fs';
import { openRegularFile } from '../files/read.js';
import { AudioError } from './audio-error.js';
import { compressedSizeReason, decodeAudio } from './decode.js';
import { isWavMagic, mayBeCompressed, sniffAudio } from './format.js';
import { inspectWavHeader, type DecodedAudio } from './wav.js';

// The header is nearly always in the first bytes; only a file whose chunks before fmt/data reach further is read whole.
const HEADER_BYTES = 4096;

/** A buffer reused from file to file (grown to the largest): reading a clip then allocates nothing but its samples. */
export interface ReadBuffer {
  bytes: Buffer;
  /**
   * When given, a WAV's samples are decoded into these too (one per channel, grown to the longest clip), so a read
   * allocates nothing: the channels returned are views of them, valid until the next read with this buffer.
   */
  samples?: Float32Array[];
}

export function readAudio(path: string, scratch: ReadBuffer = { bytes: Buffer.alloc(0) }): DecodedAudio {
  const { fd, size } = openRegularFile(path);
  try {
    const grow = (length: number, keep: number) => {
      if (scratch.bytes.length >= length) return;
      const bigger = Buffer.alloc(length);
      bigger.set(scratch.bytes.subarray(0, keep));
      scratch.bytes = bigger;
    };
    // As much as the reused buffer holds: a short clip is read in one call, the rest only when decoding needs it.
    const head = Math.min(size, Math.max(HEADER_BYTES, scratch.bytes.length));
    grow(head, 0);
    let got = readAt(fd, scratch.bytes, 0, head);
    const first = scratch.bytes.subarray(0, got);
    if (mayBeCompressed(first)) {
      const tooLarge = compressedSizeReason(size);
      if (tooLarge) throw new AudioError(tooLarge);
      grow(size, got);
      got += readAt(fd, scratch.bytes, got, size - got);
      if (got < size) throw new AudioError('truncated: the file shrank while it was read');
      return decodeAudio(scratch.bytes.subarray(0, got), size, path, scratch.samples);
    }
    // No known magic: a file named .flac, .mp3 or .ogg is refused in those words, anything else by the WAV reader.
    if (!isWavMagic(first)) sniffAudio(first, path);
    const need = got < head ? got : (inspectWavHeader(scratch.bytes.subarray(0, got), size)?.end ?? size);
    if (need > got) {
      grow(need, got);
      got += readAt(fd, scratch.bytes, got, need - got);
    }
    return decodeAudio(scratch.bytes.subarray(0, got), size, path, scratch.samples);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, into: Buffer, at: number, length: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, into, at + got, length - got, at + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
