// Background noise: each file loaded once per worker, mono at the target rate; a sample gets a crop of it at a
// drawn offset, looped when the file is shorter than the sample.
import { AudioError } from '../audio/audio-error.js';
import { mixToMono } from '../audio/wav.js';
import { readAudio } from '../audio/read.js';
import { resample } from '../audio/resample.js';
import { AudiogenError } from '../errors.js';
import { NotAFileError } from '../files/read.js';
import type { BackgroundFile } from '../dataset/background.js';

export class BackgroundNoise {
  private readonly clips = new Map<string, Float32Array>();

  constructor(
    readonly files: readonly BackgroundFile[],
    rate: number,
  ) {
    for (const f of files) {
      const audio = readBackground(f);
      this.clips.set(f.name, resample(mixToMono(audio), audio.sampleRate, rate));
    }
  }

  /** Names and lengths (samples at the target rate), in the listing order the draws index into. */
  get catalog(): { name: string; samples: number }[] {
    return this.files.map((f) => ({ name: f.name, samples: this.clips.get(f.name)!.length }));
  }

  /** The file's samples, mono at the target rate. */
  clip(name: string): Float32Array {
    const clip = this.clips.get(name);
    if (!clip) throw new Error(`background noise file ${name} is not loaded`);
    return clip;
  }

  /** out += gain × the file's samples from `offset` on, wrapping around its end. */
  addTo(out: Float32Array, name: string, offset: number, gain: number): void {
    addLooped(out, this.clip(name), offset, gain);
  }
}

/** A background file, decoded; failures name it (the listing checked it, but it may have changed since). */
function readBackground(f: BackgroundFile) {
  return readSideFile(f.path, 'background noise file');
}

/** A file of bg_noise_dir or rir_dir, decoded; a failure is an AudiogenError naming it as `what` and its path. */
export function readSideFile(path: string, what: string) {
  try {
    return readAudio(path);
  } catch (err) {
    const why =
      err instanceof AudioError
        ? err.message
        : err instanceof NotAFileError
          ? `is ${err.what}, not a regular file`
          : `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    throw new AudiogenError(`${what} ${path}: ${why}`);
  }
}

export function addLooped(out: Float32Array, clip: Float32Array, offset: number, gain: number): void {
  const n = clip.length;
  let j = offset % n;
  // In runs up to the clip's end, so the inner loop has no wrap test.
  for (let i = 0; i < out.length; ) {
    const run = Math.min(out.length - i, n - j);
    for (let k = 0; k < run; k++) out[i + k] += gain * clip[j + k];
    i += run;
    j = 0;
  }
}
