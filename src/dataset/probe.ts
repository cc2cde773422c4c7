// Checks every listed clip before anything is planned, so a bad file either stops the build before a shard is
// written (on_error: fail) or is left out with counts that stay consistent (on_error: skip). WAV files are checked
// from their header (float samples sample by sample); compressed files are read whole and checked as far as their
// format allows without decoding: FLAC's and Ogg's checksums, MP3's frames against its tag, every header's bounds.
import { closeSync, readSync, statSync } from 'node:fs';
import { AudioError } from '../audio/audio-error.js';
import { compressedSizeReason, inspectCompressed } from '../audio/decode.js';
import { isWavMagic, mayBeCompressed, sniffAudio } from '../audio/format.js';
import {
  checkFiniteFloats,
  inspectWav,
  inspectWavHeader,
  isFloatFormat,
  WavError,
  type WavSummary,
} from '../audio/wav.js';
import { kindOf, NotAFileError, openRegularFile } from '../files/read.js';
import { noTick, type Tick } from './tick.js';

export interface BadFile {
  file: string;
  reason: string;
}

/** What probing a clip found: why it cannot be used (null: it decodes), and its size and time for the fingerprint. */
export interface ProbeOutcome {
  reason: string | null;
  size: number;
  /** Modification time to the nearest millisecond (what the build's input fingerprint records). */
  mtimeMs: number;
}

/** Probes clips, each outcome at its path's index: in this process, or spread over the build's workers. */
export type ClipProbe = (paths: readonly string[]) => Promise<ProbeOutcome[]>;

/** Probes clips one after the other in this process. */
export function probeInline(tick: Tick = noTick): ClipProbe {
  return async (paths) => {
    const out: ProbeOutcome[] = [];
    for (const path of paths) {
      await tick();
      out.push(await probeClip(path, tick));
    }
    return out;
  };
}

// Headers live in the first bytes: reading only those keeps listing a large dataset cheap.
const HEADER_BYTES = 4096;
const header = Buffer.alloc(HEADER_BYTES);
// Float samples (rare in datasets) are all checked for NaN/Inf, a slice at a time with a tick between slices.
const SLICE_BYTES = 1 << 20;
let slice: Buffer | null = null;
// Files whose header reaches past HEADER_BYTES are read whole: into one reused buffer up to this size.
const REUSED_BYTES = 16 << 20;
let whole = Buffer.alloc(0);

/** Whether the clip at `path` decodes, with its size and time. Never blocks: only regular files are opened. */
export async function probeClip(path: string, tick: Tick = noTick): Promise<ProbeOutcome> {
  let fd: number;
  let size: number;
  let mtimeMs: number;
  try {
    ({ fd, size, mtimeMs } = openRegularFile(path, true));
  } catch (err) {
    return { reason: openFailure(path, err), size: 0, mtimeMs: 0 };
  }
  try {
    return { reason: await whyUnusable(fd, size, path, tick), size, mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** Why the open clip cannot be used, or null when it decodes. */
async function whyUnusable(fd: number, size: number, path: string, tick: Tick): Promise<string | null> {
  try {
    const got = readAt(fd, header, Math.min(HEADER_BYTES, size), 0);
    const head = header.subarray(0, got);
    if (mayBeCompressed(head)) {
      const tooLarge = compressedSizeReason(size);
      if (tooLarge) return tooLarge;
      const bytes = readAll(fd, size);
      if (bytes.length < size) return 'truncated: the file shrank while it was read';
      inspectCompressed(bytes, path);
      return null;
    }
    // No known magic: a file named .flac, .mp3 or .ogg is refused in those words, anything else by the WAV reader.
    if (!isWavMagic(head)) sniffAudio(head, path);
    // A header that reaches further (chunks before fmt or data) is checked on the whole file.
    const summary = inspectWavHeader(header.subarray(0, got), size) ?? inspectWav(readAll(fd, size));
    if (isFloatFormat(summary.format)) await checkFloatSamples(fd, summary, tick);
    return null;
  } catch (err) {
    if (err instanceof AudioError) return err.message;
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined) return `cannot read (${code})`;
    throw err;
  }
}

function openFailure(path: string, err: unknown): string {
  if (err instanceof NotAFileError) return `is ${err.what}, not a regular file`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === undefined) throw err;
  try {
    // A socket refuses open() with ENXIO: say what it is.
    const stat = statSync(path);
    if (!stat.isFile()) return `is ${kindOf(stat)}, not a regular file`;
  } catch {}
  return `cannot read (${code})`;
}

async function checkFloatSamples(fd: number, s: WavSummary, tick: Tick): Promise<void> {
  slice ??= Buffer.alloc(SLICE_BYTES);
  const frameBytes = s.format.blockAlign;
  const perSlice = Math.floor(SLICE_BYTES / frameBytes);
  for (let frame = 0; frame < s.frames; frame += perSlice) {
    const n = Math.min(perSlice, s.frames - frame);
    if (readAt(fd, slice, n * frameBytes, s.dataOffset + frame * frameBytes) < n * frameBytes) {
      throw new WavError('truncated: the file shrank while it was read');
    }
    checkFiniteFloats(slice, 0, n, s.format, s.littleEndian, frame);
    await tick();
  }
}

function readAt(fd: number, into: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, into, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function readAll(fd: number, size: number): Buffer {
  if (size > whole.length && size <= REUSED_BYTES) whole = Buffer.alloc(size);
  const bytes = size <= whole.length ? whole : Buffer.allocUnsafe(size);
  return bytes.subarray(0, readAt(fd, bytes, size, 0));
}
