// The frontend's 'simd' engine: the per-frame core (window -> fixed-point FFT -> filterbank square roots, then noise
// reduction, PCAN and the log) on wasm/frontend.wasm, bit-exact with the JS stages it replaces (window.ts,
// fft-fixed.ts, filterbank.ts, noise-reduction.ts, pcan.ts, log-scale.ts). This file lays out the
// instance's memory and writes the tables those stages compute; assembly/frontend.ts only reads them.
import { instantiate, reserve } from '../wasm/load.js';
import { fixedFftPlan, imagPart, realPart } from './fft-fixed.js';
import type { FilterbankLayout } from './filterbank-setup.js';
import { LOG_LUT, type LogScale } from './log-scale.js';
import type { NoiseReduction } from './noise-reduction.js';
import type { PcanGainControl } from './pcan.js';

/** The stages after the filterbank, set up by AudioFeatureGenerator (their tables and constants are read here). */
export interface PostStages {
  noise: NoiseReduction | null;
  pcan: PcanGainControl | null;
  log: LogScale;
}

interface FrontendExports {
  memory: WebAssembly.Memory;
  configure(...args: number[]): void;
  floatToInt16(input: number, output: number, count: number): void;
  spectrogram(pcm: number, frames: number, out: number): void;
  configurePost(...args: number[]): void;
  finish(signal: number, frames: number, out: number): void;
}

export interface FramesGeometry {
  samples: number;
  frames: number;
  step: number;
  fftSize: number;
}

export class SimdFrames {
  /** Float audio in (for fromFloat). */
  readonly audio: Float32Array;
  /** The int16 clip the frames are taken from. */
  readonly pcm: Int16Array;
  /** A second int16 clip buffer (the DC-notch-filtered clip). */
  readonly filtered: Int16Array;
  /** Per frame, the filterbank's output (uint32 × channels), views into one buffer. */
  readonly signals: Uint32Array[];
  /** The spectrogram finish() writes (frames × channels). */
  readonly spectrogram: Uint16Array;
  private readonly wasm: FrontendExports;
  private readonly at: { audio: number; pcm: number; filtered: number; out: number; spectrogram: number };

  constructor(coefficients: Int16Array, g: FramesGeometry, layout: FilterbankLayout, post: PostStages) {
    const plan = fixedFftPlan(g.fftSize);
    const n = plan.n;
    const channels = layout.channels;
    const bands = channels + 1;
    let top = 0;
    const alloc = (bytes: number): number => {
      const p = top;
      top += Math.ceil(bytes / 16) * 16;
      return p;
    };
    const audioAt = alloc(g.samples * 4);
    const pcmAt = alloc(g.samples * 2 + 16); // +16: the window's 4-sample loads may read past the last frame
    const filteredAt = alloc(g.samples * 2 + 16);
    const coefficientsAt = alloc(coefficients.length * 4);
    const windowedAt = alloc(2 * n * 4);
    const gatherAt = alloc(n * 4);
    const leafInputAt = alloc(2 * n * 4);
    const workAt = alloc(2 * n * 4);
    const stagesAt = alloc(plan.stages.length * 8);
    const twiddlesAt = plan.stages.map((s) => alloc(6 * s.m * 4));
    const superAt = alloc(2 * Math.max(1, n / 2) * 4);
    const energiesAt = alloc((n + 1) * 4);
    const binStartAt = alloc(bands * 4);
    const binCountAt = alloc(bands * 4);
    const weightsAt = alloc(Math.max(1, layout.weights.length) * 4);
    const outAt = alloc(g.frames * channels * 4);
    const spectrogramAt = alloc(g.frames * channels * 2);
    const estimatesAt = alloc(channels * 4);
    const pcanLutAt = alloc((post.pcan?.lut.length ?? 1) * 2);
    const logLutAt = alloc(LOG_LUT.length * 4);

    this.wasm = instantiate<FrontendExports>('frontend');
    const buffer = reserve(this.wasm.memory, top).buffer;
    const i32 = new Int32Array(buffer);
    i32.set(coefficients, coefficientsAt >> 2);
    // Leaf block b reads complex inputs leafSource[b] + q·n/radix; grouped by q so four blocks load as one vector.
    // Each entry is the byte offset of the input's sample pair in the windowed frame.
    const per = n / plan.leafRadix;
    for (let p = 0; p < n; p++) i32[(gatherAt >> 2) + p] = (plan.leafSource[p % per] + Math.floor(p / per) * per) * 8;
    plan.stages.forEach((stage, s) => {
      i32[(stagesAt >> 2) + 2 * s] = stage.m;
      i32[(stagesAt >> 2) + 2 * s + 1] = twiddlesAt[s];
      const base = twiddlesAt[s] >> 2;
      for (let k = 0; k < stage.m; k++) {
        for (let q = 0; q < 3; q++) {
          const tw = stage.twiddles[3 * k + q];
          i32[base + 2 * q * stage.m + k] = realPart(tw);
          i32[base + (2 * q + 1) * stage.m + k] = imagPart(tw);
        }
      }
    });
    const half = Math.max(1, n / 2);
    for (let k = 0; k < plan.superTwiddles.length; k++) {
      i32[(superAt >> 2) + k] = realPart(plan.superTwiddles[k]);
      i32[(superAt >> 2) + half + k] = imagPart(plan.superTwiddles[k]);
    }
    i32.set(layout.binStart, binStartAt >> 2);
    i32.set(layout.binCount, binCountAt >> 2);
    for (let j = 0; j < layout.weights.length; j++) i32[(weightsAt >> 2) + j] = layout.weights[j] | (layout.unweights[j] << 16);

    this.wasm.configure(
      coefficients.length, g.step, n, plan.leafRadix,
      coefficientsAt, windowedAt, gatherAt, leafInputAt, workAt,
      stagesAt, plan.stages.length, superAt, energiesAt,
      binStartAt, binCountAt, weightsAt, layout.startIndex, layout.endIndex, channels,
    );
    if (post.pcan) new Int16Array(buffer, pcanLutAt, post.pcan.lut.length).set(post.pcan.lut);
    i32.set(LOG_LUT, logLutAt >> 2);
    const { noise, pcan, log } = post;
    this.wasm.configurePost(
      noise ? 1 : 0, noise?.smoothingBits ?? 0, noise?.even ?? 0, noise?.odd ?? 0, noise?.minRemaining ?? 0, estimatesAt,
      pcan ? 1 : 0, pcanLutAt, pcan?.snrShift ?? 0, log.enabled ? 1 : 0, log.scaleShift, log.correctionBits, logLutAt,
    );
    // The memory never grows after this, so these views stay valid.
    this.audio = new Float32Array(buffer, audioAt, g.samples);
    this.pcm = new Int16Array(buffer, pcmAt, g.samples);
    this.filtered = new Int16Array(buffer, filteredAt, g.samples);
    this.signals = Array.from({ length: g.frames }, (_, f) => new Uint32Array(buffer, outAt + f * channels * 4, channels));
    this.spectrogram = new Uint16Array(buffer, spectrogramAt, g.frames * channels);
    this.at = { audio: audioAt, pcm: pcmAt, filtered: filteredAt, out: outAt, spectrogram: spectrogramAt };
    this.frames = g.frames;
  }

  private readonly frames: number;

  /** `audio` (float, [-1, 1]) to `pcm` (int16), as src/frontend/pcm.ts floatToInt16. */
  fromFloat(): void {
    this.wasm.floatToInt16(this.at.audio, this.at.pcm, this.pcm.length);
  }

  /** Noise reduction, PCAN and the log over `signals` into `spectrogram` (clips without activity detection). */
  finish(): void {
    this.wasm.finish(this.at.out, this.frames, this.at.spectrogram);
  }

  /** Runs every frame of `pcm` (or of `filtered`) into `signals`. */
  run(source: 'pcm' | 'filtered'): void {
    this.wasm.spectrogram(source === 'pcm' ? this.at.pcm : this.at.filtered, this.frames, this.at.out);
  }
}
