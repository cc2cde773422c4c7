// Pure per-sample processing: decoded audio -> mono at the target rate -> trimmed -> placed in the sample length
// -> reverberated -> (spectrogram -> masked -> normalized) -> encoded as one row of x. No I/O here (an RIR is read
// once, when first drawn), so tests call it directly.
import type { Config, Dtype, SpecAugment } from '../config/schema.js';
import { frontendDtypeOf, frontendShape, sampleLength } from '../config/derive.js';
import { mixToMono, type DecodedAudio } from '../audio/wav.js';
import { resample } from '../audio/resample.js';
import { trimBounds } from '../audio/trim.js';
import { mixInPlace } from '../audio/kernels.js';
import { floatToInt16 } from '../frontend/frontend.js';
import { Spectrogram } from '../frontend/spectrogram.js';
import { allocTyped, type TypedArray } from '../io/npy.js';
import { castInto, normalize, normalizes, type Normalization } from './normalize.js';
import type { SampleParams } from './params.js';
import type { Rng } from '../random/rng.js';
import type { BackgroundNoise } from '../augment/background.js';
import { coloredNoise } from '../augment/colored-noise.js';
import { speedAndPitch } from '../augment/pitch-shift.js';
import { vtlp } from '../augment/vtlp.js';
import type { Reverb } from '../augment/reverb.js';
import { applyMasks } from '../augment/spec-augment.js';

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

export class SampleRenderer {
  readonly samples: number;
  readonly rate: number;
  readonly dtype: Dtype;
  /** Elements in one row of x. */
  readonly rowElements: number;
  private readonly trimDb: number | null;
  private readonly audio: Float32Array;
  private readonly spectrogram: Spectrogram | null;
  private readonly normalization: Normalization | null;
  private readonly work: Float64Array;

  private readonly specAugment: SpecAugment;
  /** The spectrogram's width: SpecAugment's frequency axis (whatever the frontend). */
  private readonly channels: number;

  constructor(
    config: Config,
    private readonly background: BackgroundNoise | null = null,
    private readonly reverb: Reverb | null = null,
  ) {
    const g = config.generator;
    this.specAugment = g.spec_augment;
    this.channels = frontendShape(config.frontend).channels;
    this.samples = sampleLength(config.frontend);
    this.rate = config.frontend.sample_rate_hz;
    this.dtype = g.dtype;
    this.trimDb = g.trim_threshold_db;
    this.spectrogram = g.frontend_enabled ? new Spectrogram(config.frontend, frontendDtypeOf(config)) : null;
    // Rendered where the frontend reads it: a 64 kB copy less a clip (~6 µs).
    const input = this.spectrogram?.input;
    this.audio = input && input.length === this.samples ? input : new Float32Array(this.samples);
    this.rowElements = this.spectrogram ? this.spectrogram.values.length : this.samples;
    this.normalization = this.spectrogram && normalizes(g) ? g : null;
    this.work = new Float64Array(this.normalization ? this.rowElements : 0);
  }

  /**
   * The augmented clip, in the reference's order: speed -> pitch -> VTLP (at the file's own rate) -> resample,
   * trim, crop/pad at the offset -> (reverb) -> loudness -> noise. `decoded` null is a _silence_ clip (zeros, then
   * the same loudness and noise). `noiseRng` draws the colored noise's samples.
   */
  renderAudio(
    decoded: DecodedAudio | null,
    params: SampleParams,
    noiseRng?: Rng,
    beforeAugmentation?: (mono: Float32Array, rate: number) => Float32Array,
  ): Float32Array {
    const out = this.audio;
    if (decoded === null) {
      out.fill(0);
    } else {
      const rate = decoded.sampleRate;
      let x = mixToMono(decoded);
      if (beforeAugmentation) x = beforeAugmentation(x, rate);
      // One phase-vocoder pass for speed and pitch: the same chain as stretch-then-shift, half the cost.
      if (params.speed !== 1 || params.pitch !== 0) x = speedAndPitch(x, rate, params.speed, params.pitch);
      if (params.vtlp !== 1) x = vtlp(x, rate, params.vtlp, { phase: 'coherent' });
      x = resample(x, rate, this.rate);
      const [start, end] = this.trimDb === null ? [0, x.length] : trimBounds(x, this.trimDb);
      placeClip(x.subarray(start, end), out, params.offset);
      // The whole sample, after placement: the tail rings on into the padding after the word.
      if (params.rir_file !== '') {
        if (!this.reverb) throw new Error('a room impulse response drawn but no rir_dir files are loaded');
        this.reverb.apply(out, params.rir_file);
      }
    }
    const gain = params.loudness;
    const noiseGain = params.noise_factor * gain;
    if (params.noise === 'background') {
      if (!this.background) throw new Error('background noise drawn but no bg_noise_dir files are loaded');
      if (gain !== 1) mixInPlace(out, gain, null, 0);
      this.background.addTo(out, params.bg_file, params.bg_offset, noiseGain);
    } else if (params.noise !== 'none') {
      if (!noiseRng) throw new Error('colored noise drawn without a noise stream');
      mixInPlace(out, gain, coloredNoise(params.noise, out.length, noiseRng), noiseGain);
    } else if (gain !== 1) {
      mixInPlace(out, gain, null, 0);
    }
    return out;
  }

  /** The frontend's output for the audio (frontend_dtype), or null when the frontend is disabled. */
  features(audio: Float32Array): TypedArray | null {
    return this.spectrogram ? this.spectrogram.run(audio) : null;
  }

  /** SpecAugment's drawn masks on the frontend's output (in place), before any normalization. */
  maskFeatures(features: TypedArray, params: SampleParams): void {
    if (params.time_masks.length + params.freq_masks.length === 0) return;
    applyMasks(features, this.channels, params.time_masks, params.freq_masks, this.specAugment.mask_value);
  }

  /** Whether the frontend's activity detector tripped on the last features() call. */
  get activityDetected(): boolean {
    return this.spectrogram?.activity ?? false;
  }

  /** Writes one row of x in the output dtype: the normalized spectrogram, or the audio itself. */
  encodeRow(audio: Float32Array, features: TypedArray | null, out: TypedArray): void {
    if (features === null) {
      if (out instanceof Int16Array) floatToInt16(audio, out);
      else out.set(audio);
      return;
    }
    if (this.normalization) {
      this.work.set(features);
      normalize(this.work, this.normalization);
      castInto(this.work, out);
    } else {
      castInto(features, out);
    }
  }

  newRow(): TypedArray {
    return allocTyped(this.dtype, this.rowElements);
  }

  newRows(count: number): TypedArray {
    return allocTyped(this.dtype, count * this.rowElements);
  }
}
