// Pure per-sample processing: decoded audio -> mono at the target rate -> trimmed -> placed in the sample length
// -> encoded as one row of x. No I/O here, so tests call it directly.
import type { Config, Dtype } from '../config/schema.js';
import { sampleLength } from '../config/derive.js';
import { mixToMono, type DecodedAudio } from '../audio/wav.js';
import { resample } from '../audio/resample.js';
import { trimBounds } from '../audio/trim.js';
import { allocTyped, type TypedArray } from '../io/npy.js';
import type { SampleParams } from './params.js';

/**
 * Copies `clip` into `out` (zero elsewhere), starting offset × (out.length − clip.length) samples in.
 * A clip longer than `out` is cropped by the same rule: offset 0 keeps its start, offset 1 its end.
 */
export function placeClip(clip: Float32Array, out: Float32Array, offset: number): void {
  out.fill(0);
  const room = out.length - clip.length;
  if (room >= 0) {
    out.set(clip, Math.floor(offset * room));
  } else {
    const start = Math.floor(offset * -room);
    out.set(clip.subarray(start, start + out.length));
  }
}

/** Float audio to int16 PCM by ×32768, saturating at the int16 range (never wrapping). */
export function floatToPcm16(x: Float32Array, out: Int16Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = Math.round(x[i] * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
}

export class SampleRenderer {
  readonly samples: number;
  readonly rate: number;
  readonly dtype: Dtype;
  /** Elements in one row of x. */
  readonly rowElements: number;
  private readonly trimDb: number | null;
  private readonly audio: Float32Array;

  constructor(config: Config) {
    this.samples = sampleLength(config.frontend);
    this.rate = config.frontend.sample_rate_hz;
    this.dtype = config.generator.dtype;
    this.rowElements = this.samples;
    this.trimDb = config.generator.trim_threshold_db;
    this.audio = new Float32Array(this.samples);
  }

  /** The clip at the target rate, trimmed and placed at the offset; null = a _silence_ clip. */
  renderAudio(decoded: DecodedAudio | null, params: SampleParams): Float32Array {
    if (decoded === null) {
      this.audio.fill(0);
      return this.audio;
    }
    const mono = resample(mixToMono(decoded), decoded.sampleRate, this.rate);
    const [start, end] = this.trimDb === null ? [0, mono.length] : trimBounds(mono, this.trimDb);
    placeClip(mono.subarray(start, end), this.audio, params.offset);
    return this.audio;
  }

  /** Writes one row of x in the output dtype. */
  encodeRow(audio: Float32Array, out: TypedArray): void {
    if (out instanceof Int16Array) floatToPcm16(audio, out);
    else out.set(audio);
  }

  newRow(): TypedArray {
    return allocTyped(this.dtype, this.rowElements);
  }
}
