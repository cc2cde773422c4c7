// librosa-compatible STFT / ISTFT: center=True with zero padding, periodic Hann window, window-sum-square
// normalisation and `length` in the inverse. Frames can be produced and consumed one at a time, so the
// augmentations stream through them without holding a whole spectrogram.
import type { Engine } from '../wasm/engine.js';
import { simdRealFFT, type RealTransform } from './fft-simd.js';
import { RealFFT } from './fft.js';

export type Samples = Float32Array | Float64Array;

/** Complex STFT, frame-major: frame t, bin k at data[t * stride + 2k] (re) and [+1] (im); stride = nFft + 2. */
export interface Spectrogram {
  nFft: number;
  hop: number;
  frames: number;
  data: Float64Array;
  engine?: Engine;
}

export interface StftOptions {
  nFft?: number;
  hop?: number;
  /**
   * Which FFT (src/wasm/engine.ts): 'simd' (default) is PFFFT in float32, as librosa computes float32 audio;
   * 'reference' is fft.js in float64.
   */
  engine?: Engine;
}

// numpy's float32 `tiny`: librosa divides by the window sum square wherever it exceeds this.
const TINY = 1.1754943508222875e-38;

/** scipy.signal.get_window('hann', n) (periodic), evaluated the way scipy's general_cosine does. */
export function periodicHann(n: number): Float64Array {
  const w = new Float64Array(n);
  const step = (2 * Math.PI) / n;
  for (let j = 0; j < n; j++) w[j] = 0.5 + 0.5 * Math.cos(-Math.PI + j * step);
  return w;
}

/** Refuses a hop that is not an integer in [1, nFft]. */
export function checkHop(nFft: number, hop: number): void {
  if (!Number.isInteger(hop) || hop < 1 || hop > nFft) {
    throw new Error(`STFT hop must be an integer in [1, nFft=${nFft}], got ${hop}`);
  }
}

/** Frames librosa.stft(center=True) gives for n samples. */
export function stftFrameCount(n: number, hop: number): number {
  return 1 + Math.floor(n / hop);
}

/** Frames librosa.istft(center=True, length=length) uses of `frames`: it drops those that cannot reach the length. */
export function synthesisFrameCount(frames: number, length: number, nFft: number, hop: number): number {
  return Math.max(0, Math.min(frames, Math.ceil((length + nFft) / hop)));
}

/** One (nFft, hop) configuration with its window, FFT and scratch buffers; shared, single-threaded. */
export class StftPlan {
  readonly nFft: number;
  readonly hop: number;
  readonly bins: number;
  readonly stride: number;
  readonly window: Float64Array;
  readonly fft: RealTransform;
  private readonly windowSq: Float64Array;
  private readonly frame: Float64Array;
  // Overlap-add state of the synthesis in progress (grow-only buffers).
  private acc = new Float64Array(0);
  private wss = new Float64Array(0);
  private synFrames = 0;
  private synLength = 0;
  private synSpan = 0;
  private synNext = 0;

  private static readonly cache = new Map<string, StftPlan>();

  static of(nFft = 2048, hop = nFft / 4, engine: Engine = 'simd'): StftPlan {
    const key = `${nFft}/${hop}/${engine}`;
    let plan = StftPlan.cache.get(key);
    if (!plan) {
      plan = new StftPlan(nFft, hop, engine);
      StftPlan.cache.set(key, plan);
    }
    return plan;
  }

  constructor(nFft: number, hop: number, engine: Engine = 'simd') {
    checkHop(nFft, hop);
    this.fft = engine === 'simd' ? simdRealFFT(nFft) : RealFFT.of(nFft);
    this.nFft = nFft;
    this.hop = hop;
    this.bins = nFft / 2 + 1;
    this.stride = nFft + 2;
    this.window = periodicHann(nFft);
    this.windowSq = this.window.map((v) => v * v);
    this.frame = new Float64Array(nFft);
  }

  /** Frames librosa.stft(center=True) gives for n samples. */
  frameCount(n: number): number {
    return stftFrameCount(n, this.hop);
  }

  /** Writes STFT frame t of y (zero-padded by nFft/2 each side) to spectrum[at .. at + stride). */
  analyze(y: Samples, t: number, spectrum: Float64Array, at = 0): void {
    const { nFft, window: w, frame } = this;
    const n = y.length;
    const start = t * this.hop - nFft / 2;
    if (start >= 0 && start + nFft <= n) {
      for (let j = 0; j < nFft; j++) frame[j] = y[start + j] * w[j];
    } else {
      for (let j = 0; j < nFft; j++) {
        const i = start + j;
        frame[j] = i >= 0 && i < n ? y[i] * w[j] : 0;
      }
    }
    this.fft.forward(frame, spectrum, at);
  }

  /**
   * Starts an inverse STFT of `frames` frames to `length` samples (librosa.istft(center=True, length=...)).
   * Frames are then given in order with synthesize(); finish() writes the output.
   */
  beginSynthesis(frames: number, length: number): void {
    const { nFft, hop } = this;
    this.synFrames = synthesisFrameCount(frames, length, nFft, hop);
    this.synLength = length;
    // Only padded samples [0, nFft/2 + length) are kept, so nothing past them is accumulated.
    this.synSpan = this.synFrames === 0 ? 0 : Math.min(nFft / 2 + length, nFft + hop * (this.synFrames - 1));
    this.synNext = 0;
    if (this.acc.length < this.synSpan) {
      this.acc = new Float64Array(this.synSpan);
      this.wss = new Float64Array(this.synSpan);
    } else {
      this.acc.fill(0, 0, this.synSpan);
      this.wss.fill(0, 0, this.synSpan);
    }
  }

  /** Frames the synthesis in progress still takes (librosa ignores the rest). */
  get synthesisFrames(): number {
    return this.synFrames;
  }

  /** Overlap-adds frame t (the next one in order) from spectrum[at .. at + stride). */
  synthesize(t: number, spectrum: Float64Array | null, at = 0): void {
    if (t !== this.synNext) throw new Error(`ISTFT frames must come in order: expected ${this.synNext}, got ${t}`);
    this.synNext++;
    if (t >= this.synFrames) return;
    const { nFft, window: w, windowSq: w2, frame, acc, wss } = this;
    const start = t * this.hop;
    const count = Math.min(nFft, this.synSpan - start);
    if (count <= 0) return;
    if (spectrum) {
      this.fft.inverse(spectrum, frame, at);
      for (let j = 0; j < count; j++) {
        acc[start + j] += frame[j] * w[j];
        wss[start + j] += w2[j];
      }
    } else {
      for (let j = 0; j < count; j++) wss[start + j] += w2[j];
    }
  }

  /** Ends the synthesis: out[i] = overlap-added signal / window sum square at padded index i + nFft/2. */
  finish(out: Float32Array = new Float32Array(this.synLength)): Float32Array {
    // Frames never given count as silent ones (they still add to the window sum square).
    while (this.synNext < this.synFrames) this.synthesize(this.synNext, null);
    const { acc, wss } = this;
    const offset = this.nFft / 2;
    const kept = Math.max(0, Math.min(this.synLength, this.synSpan - offset));
    for (let i = 0; i < kept; i++) {
      const s = wss[offset + i];
      out[i] = s > TINY ? acc[offset + i] / s : acc[offset + i];
    }
    out.fill(0, kept, this.synLength);
    return out;
  }
}

/** librosa.stft(y, n_fft, hop_length, center=True, pad_mode='constant') with the periodic Hann window. */
export function stft(y: Samples, options: StftOptions = {}): Spectrogram {
  const plan = StftPlan.of(options.nFft, options.hop, options.engine);
  const frames = plan.frameCount(y.length);
  const data = new Float64Array(frames * plan.stride);
  for (let t = 0; t < frames; t++) plan.analyze(y, t, data, t * plan.stride);
  return { nFft: plan.nFft, hop: plan.hop, frames, data, engine: options.engine };
}

/** librosa.istft(spec, n_fft, hop_length, center=True, length=length). */
export function istft(spec: Spectrogram, length: number): Float32Array {
  const plan = StftPlan.of(spec.nFft, spec.hop, spec.engine);
  plan.beginSynthesis(spec.frames, length);
  const used = plan.synthesisFrames;
  for (let t = 0; t < used; t++) plan.synthesize(t, spec.data, t * plan.stride);
  return plan.finish();
}
