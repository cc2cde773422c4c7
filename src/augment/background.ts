// Background noise: each file loaded once per worker, mono at the target rate; a sample gets a crop of it at a
// drawn offset, looped when the file is shorter than the sample.
import { readFileSync } from 'node:fs';
import { decodeWav, mixToMono } from '../audio/wav.js';
import { resample } from '../audio/resample.js';

export interface BackgroundFile {
  /** Path relative to bg_noise_dir ('/'-separated): what the index CSV records. */
  name: string;
  path: string;
}

export class BackgroundNoise {
  private readonly clips = new Map<string, Float32Array>();

  constructor(
    readonly files: readonly BackgroundFile[],
    rate: number,
  ) {
    for (const f of files) {
      const audio = decodeWav(readFileSync(f.path));
      this.clips.set(f.name, resample(mixToMono(audio), audio.sampleRate, rate));
    }
  }

  /** Names and lengths (samples at the target rate), in the listing order the draws index into. */
  get catalog(): { name: string; samples: number }[] {
    return this.files.map((f) => ({ name: f.name, samples: this.clips.get(f.name)!.length }));
  }

  /** out += gain × the file's samples from `offset` on, wrapping around its end. */
  addTo(out: Float32Array, name: string, offset: number, gain: number): void {
    const clip = this.clips.get(name);
    if (!clip) throw new Error(`background noise file ${name} is not loaded`);
    addLooped(out, clip, offset, gain);
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
