// Checks every listed clip before anything is planned, so a bad file either stops the build before a shard is
// written (on_error: fail) or is left out with counts that stay consistent (on_error: skip).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectWav, WavError } from '../audio/wav.js';

export interface BadFile {
  file: string;
  reason: string;
}

/** Why `file` (relative to the dataset directory) cannot be used, or null when it decodes. */
export function probeClip(datasetDir: string, file: string): string | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(datasetDir, file));
  } catch (err) {
    return `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  try {
    inspectWav(bytes);
    return null;
  } catch (err) {
    if (err instanceof WavError) return err.message;
    throw err;
  }
}
