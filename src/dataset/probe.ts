// Checks every listed clip before anything is planned, so a bad file either stops the build before a shard is
// written (on_error: fail) or is left out with counts that stay consistent (on_error: skip).
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { inspectWav, inspectWavHeader, WavError } from '../audio/wav.js';

export interface BadFile {
  file: string;
  reason: string;
}

// Headers live in the first bytes: reading only those keeps listing a large dataset cheap.
const HEADER_BYTES = 4096;
const header = Buffer.alloc(HEADER_BYTES);

/** Why `file` (relative to the dataset directory) cannot be used, or null when it decodes. */
export function probeClip(datasetDir: string, file: string): string | null {
  const path = join(datasetDir, file);
  try {
    let summary;
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const got = readSync(fd, header, 0, Math.min(HEADER_BYTES, size), 0);
      summary = inspectWavHeader(header.subarray(0, got), size);
    } finally {
      closeSync(fd);
    }
    // A header that reaches further (chunks before fmt or data) is checked on the whole file.
    if (summary === null) inspectWav(readFileSync(path));
    return null;
  } catch (err) {
    if (err instanceof WavError) return err.message;
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined) return `cannot read (${code})`;
    throw err;
  }
}
