// Any frontend type as one step: a clip of float audio in [-1, 1] -> its spectrogram in the frontend's output dtype.
// What a sample runs (src/sample/render.ts) and what `audiogen features` runs, so the two cannot drift apart.
import type { FrontendDtype, FrontendSettings } from '../config/schema.js';
import { frontendShape, isFloatFrontend } from '../config/derive.js';
import { allocTyped, type TypedArray } from '../io/npy.js';
import { AudioFeatureGenerator } from './frontend.js';
import { LogMelFrontend } from './log-mel.js';

export class Spectrogram {
  readonly frames: number;
  readonly channels: number;
  readonly samples: number;
  /** The last clip's spectrogram (frames × channels) in `dtype`: the microfrontend's uint16, its float32 cast or
   * int8 quantization; the float frontends' float32. Reused by every run(). */
  readonly values: TypedArray;
  /** Whether the microfrontend's activity detector tripped on the last clip (never, for the float frontends). */
  activity = false;
  private readonly micro: AudioFeatureGenerator | null;
  private readonly float: LogMelFrontend | null;
  private readonly raw: Uint16Array;

  /** `dtype` is frontendDtypeOf(config): float32 for the float frontends. */
  constructor(
    settings: FrontendSettings,
    readonly dtype: FrontendDtype,
  ) {
    ({ frames: this.frames, channels: this.channels, samples: this.samples } = frontendShape(settings));
    const count = this.frames * this.channels;
    if (isFloatFrontend(settings)) {
      if (dtype !== 'float32') throw new Error(`frontend type ${settings.type} writes float32, not ${dtype}`);
      this.float = new LogMelFrontend(settings);
      this.micro = null;
      this.raw = new Uint16Array(0);
      this.values = new Float32Array(count);
    } else {
      this.float = null;
      this.micro = new AudioFeatureGenerator(settings);
      this.raw = new Uint16Array(count);
      this.values = dtype === 'uint16' ? this.raw : allocTyped(dtype, count);
    }
  }

  /** A buffer of `samples` that run() reads without copying it (the microfrontend's own), or null. */
  get input(): Float32Array | null {
    return this.micro?.input ?? null;
  }

  run(audio: Float32Array): TypedArray {
    if (this.float) {
      this.float.process(audio, this.values as Float32Array);
      return this.values;
    }
    const micro = this.micro as AudioFeatureGenerator;
    this.activity = micro.processAudio(audio, this.raw);
    if (this.dtype === 'int8') micro.toInt8(this.raw, this.values as Int8Array);
    else if (this.dtype === 'float32') (this.values as Float32Array).set(this.raw);
    return this.values;
  }
}
