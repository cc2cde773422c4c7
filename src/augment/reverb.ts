// Reverberation with room impulse responses (RIRs): a sample convolved with a recorded or simulated room. Each RIR is
// read when first drawn and kept per worker: its first channel, resampled to the target rate, scaled to unit energy,
// with its peak (the direct path) as time zero so the word does not move; then the whole sample is convolved with it
// by FFT and cropped to the sample length, so the tail rings on into the padding after the word.
import { resample } from '../audio/resample.js';
import { simdRealFFT, type RealTransform } from '../dsp/fft-simd.js';
import { AudiogenError } from '../errors.js';
import type { RirFile } from '../dataset/rir.js';
import { readSideFile } from './background.js';

/** Longer RIRs are refused: a reverberation tail lasts a few seconds, and the FFTs grow with the RIR. */
export const RIR_MAX_SECONDS = 10;
/** RIR spectra a worker keeps at most; past this the least recently drawn are dropped and read again when drawn. */
const CACHE_BYTES = 256 << 20;

/** An RIR ready to convolve with: unit energy, and the index of its peak (the direct path). */
export interface PreparedRir {
  h: Float32Array;
  peak: number;
}

/** First-channel samples at `fromRate` -> resampled to `toRate`, unit energy, peak found; null when silent. */
export function prepareRir(samples: Float32Array, fromRate: number, toRate: number): PreparedRir | null {
  // A copy when the rates agree (resample returns its input then): the caller's samples stay as they were.
  const h = fromRate === toRate ? Float32Array.from(samples) : resample(samples, fromRate, toRate);
  let energy = 0;
  let peak = 0;
  for (let i = 0; i < h.length; i++) {
    energy += h[i] * h[i];
    if (Math.abs(h[i]) > Math.abs(h[peak])) peak = i;
  }
  if (!(energy > 0)) return null;
  const scale = 1 / Math.sqrt(energy);
  for (let i = 0; i < h.length; i++) h[i] *= scale;
  return { h, peak };
}

/** An RIR's spectrum at the FFT size that convolves it with a sample without wrap-around. */
class Kernel {
  readonly fft: RealTransform;
  readonly spectrum: Float64Array;

  constructor({ h, peak }: PreparedRir, samples: number) {
    // Output n needs input n + peak - k for k in [0, h.length): a circular convolution of this size never wraps
    // an input sample onto an output one.
    let size = 32;
    while (size < Math.max(samples + peak, samples + h.length - 1 - peak)) size *= 2;
    this.fft = simdRealFFT(size);
    // The RIR rotated so its peak sits at index 0; what precedes the peak wraps to the end (negative lags).
    const rotated = new Float64Array(size);
    for (let k = peak; k < h.length; k++) rotated[k - peak] = h[k];
    for (let k = 0; k < peak; k++) rotated[size - peak + k] = h[k];
    this.spectrum = new Float64Array(size + 2);
    this.fft.forward(rotated, this.spectrum);
  }

  get bytes(): number {
    return this.spectrum.byteLength;
  }
}

/** Scratch buffers per FFT size (one set per process: a worker renders one sample at a time). */
const scratch = new Map<number, { time: Float64Array; spectrum: Float64Array }>();

/** out[n] = Σ_k h[k]·x[n + peak − k] for n < out.length: x convolved with the RIR aligned on its peak, cropped. */
function convolveWith(kernel: Kernel, x: Float32Array, out: Float32Array): void {
  const n = kernel.fft.size;
  let s = scratch.get(n);
  if (!s) {
    s = { time: new Float64Array(n), spectrum: new Float64Array(n + 2) };
    scratch.set(n, s);
  }
  s.time.fill(0);
  s.time.set(x);
  kernel.fft.forward(s.time, s.spectrum);
  const a = s.spectrum;
  const b = kernel.spectrum;
  for (let i = 0; i < n + 2; i += 2) {
    const re = a[i] * b[i] - a[i + 1] * b[i + 1];
    a[i + 1] = a[i] * b[i + 1] + a[i + 1] * b[i];
    a[i] = re;
  }
  kernel.fft.inverse(a, s.time);
  for (let i = 0; i < out.length; i++) out[i] = s.time[i];
}

/** x convolved with `rir` aligned on its peak, cropped to x's length (in place when out is x). */
export function convolveAligned(x: Float32Array, rir: PreparedRir, out: Float32Array = new Float32Array(x.length)) {
  convolveWith(new Kernel(rir, x.length), x, out);
  return out;
}

/** The RIRs of rir_dir for one sample length: each read and transformed when first drawn, then kept. */
export class Reverb {
  private readonly files: Map<string, RirFile>;
  private readonly kernels = new Map<string, Kernel>();
  private cached = 0;

  constructor(
    files: readonly RirFile[],
    private readonly rate: number,
    private readonly samples: number,
    private readonly cacheBytes = CACHE_BYTES,
  ) {
    this.files = new Map(files.map((f) => [f.name, f]));
  }

  /** How many RIRs are kept now. */
  get kept(): number {
    return this.kernels.size;
  }

  /** The file names, in the listing order the draws index into. */
  get names(): string[] {
    return [...this.files.keys()];
  }

  /** Convolves `audio` in place with the named RIR. */
  apply(audio: Float32Array, name: string): void {
    convolveWith(this.kernel(name), audio, audio);
  }

  private kernel(name: string): Kernel {
    const hit = this.kernels.get(name);
    if (hit) {
      // Most recently used last: eviction takes the first.
      this.kernels.delete(name);
      this.kernels.set(name, hit);
      return hit;
    }
    const kernel = new Kernel(this.load(name), this.samples);
    for (const [old, k] of this.kernels) {
      if (this.cached + kernel.bytes <= this.cacheBytes) break;
      this.kernels.delete(old);
      this.cached -= k.bytes;
    }
    this.kernels.set(name, kernel);
    this.cached += kernel.bytes;
    return kernel;
  }

  private load(name: string): PreparedRir {
    const f = this.files.get(name);
    if (!f) throw new Error(`room impulse response ${name} is not in the listing`);
    const what = 'room impulse response file';
    const audio = readSideFile(f.path, what);
    const first = audio.channels[0];
    const seconds = first.length / audio.sampleRate;
    if (seconds > RIR_MAX_SECONDS)
      throw new AudiogenError(
        `${what} ${f.path}: ${seconds.toFixed(1)} s long; a room impulse response may last at most ${RIR_MAX_SECONDS} s`,
      );
    const rir = prepareRir(first, audio.sampleRate, this.rate);
    if (!rir) throw new AudiogenError(`${what} ${f.path}: every sample is zero (no response to convolve with)`);
    return rir;
  }
}
