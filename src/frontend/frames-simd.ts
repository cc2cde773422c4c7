// The frontend's 'simd' engine: assembly/frontend.ts (window -> fixed-point FFT -> filterbank square roots per
// frame, then noise reduction, PCAN and the log) through its facade src/wasm/generated/frontend.ts, bit-exact with
// the JS stages it replaces (window.ts, fft-fixed.ts, filterbank.ts, noise-reduction.ts, pcan.ts, log-scale.ts).
// This file lays out the instance's memory and writes the tables those stages compute; the module only reads them.
import { Heap, type Ptr } from '../wasm/heap.js';
import { FrontendModule } from '../wasm/generated/frontend.js';
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
  private readonly module = new FrontendModule();
  private readonly frames: number;
  private readonly at: { audio: Ptr; pcm: Ptr; filtered: Ptr; out: Ptr; spectrogram: Ptr };

  constructor(coefficients: Int16Array, g: FramesGeometry, layout: FilterbankLayout, post: PostStages) {
    const plan = fixedFftPlan(g.fftSize);
    const n = plan.n;
    const channels = layout.channels;
    const bands = channels + 1;
    // From address 0: the module has no static data.
    const heap = new Heap(this.module.memory);
    const alloc = (bytes: number) => heap.alloc(bytes);
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

    const buffer = heap.reserve();
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
    for (let j = 0; j < layout.weights.length; j++)
      i32[(weightsAt >> 2) + j] = layout.weights[j] | (layout.unweights[j] << 16);

    this.module.configure({
      windowSize: coefficients.length,
      stepSize: g.step,
      complexSize: n,
      radix: plan.leafRadix,
      coefficientsAt,
      windowedAt,
      gatherAt,
      leafInputAt,
      workAt,
      stagesAt,
      stagesCount: plan.stages.length,
      superTwiddlesAt: superAt,
      energiesAt,
      binStartAt,
      binCountAt,
      weightsAt,
      firstBin: layout.startIndex,
      lastBin: layout.endIndex,
      channelCount: channels,
    });
    if (post.pcan) heap.view(Int16Array, pcanLutAt, post.pcan.lut.length).set(post.pcan.lut);
    i32.set(LOG_LUT, logLutAt >> 2);
    const { noise, pcan, log } = post;
    this.module.configurePost({
      noise: noise !== null,
      bits: noise?.smoothingBits ?? 0,
      even: noise?.even ?? 0,
      odd: noise?.odd ?? 0,
      remaining: noise?.minRemaining ?? 0,
      estimatesAt,
      pcan: pcan !== null,
      lutAt: pcanLutAt,
      shiftSnr: pcan?.snrShift ?? 0,
      log: log.enabled,
      shiftLog: log.scaleShift,
      correctionBits: log.correctionBits,
      logLutAt,
    });
    // The memory never grows after this, so these views stay valid.
    this.audio = heap.view(Float32Array, audioAt, g.samples);
    this.pcm = heap.view(Int16Array, pcmAt, g.samples);
    this.filtered = heap.view(Int16Array, filteredAt, g.samples);
    this.signals = Array.from(
      { length: g.frames },
      (_, f) => new Uint32Array(buffer, outAt + f * channels * 4, channels),
    );
    this.spectrogram = heap.view(Uint16Array, spectrogramAt, g.frames * channels);
    this.at = { audio: audioAt, pcm: pcmAt, filtered: filteredAt, out: outAt, spectrogram: spectrogramAt };
    this.frames = g.frames;
  }

  /** `audio` (float, [-1, 1]) to `pcm` (int16), as src/frontend/pcm.ts floatToInt16. */
  fromFloat(): void {
    this.module.floatToInt16({ input: this.at.audio, output: this.at.pcm, count: this.pcm.length });
  }

  /** Noise reduction, PCAN and the log over `signals` into `spectrogram` (clips without activity detection). */
  finish(): void {
    this.module.finish({ signal: this.at.out, frames: this.frames, out: this.at.spectrogram });
  }

  /** Runs the first `frames` frames (default: every frame) of `pcm` (or of `filtered`) into `signals`. */
  run(source: 'pcm' | 'filtered', frames = this.frames): void {
    if (frames > this.frames) throw new Error(`${frames} frames asked of a ${this.frames}-frame layout`);
    this.module.spectrogram({
      pcm: source === 'pcm' ? this.at.pcm : this.at.filtered,
      frames,
      out: this.at.out,
    });
  }
}
