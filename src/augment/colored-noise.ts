// Coloured Gaussian noise with power spectral density ∝ f^β, peak-normalised to 1.
// White noise's DFT is itself white complex Gaussian noise, so the shaped spectrum is drawn directly (one inverse
// FFT, fft.js's, instead of a forward and an inverse); white noise skips the FFT altogether. The normal values come
// from WebAssembly SIMD (assembly/noise.ts, through src/wasm/generated/noise.ts) keyed by four draws of the
// caller's stream: the stream's own speed, one call per value, was most of the cost.
import { NOISE_COLORS } from '../config/names.js';
import type { NoiseColor } from '../config/schema.js';
import { RealFFT } from '../dsp/fft.js';
import { NoiseModule } from '../wasm/generated/noise.js';
import { Heap } from '../wasm/heap.js';

export type { NoiseColor };

/** PSD exponent β of each colour (src/config/names.ts NOISE_COLORS lists them). */
export const NOISE_BETA: Readonly<Record<NoiseColor, number>> = { white: 0, pink: -1, brown: -2, blue: 1, violet: 2 };

/** The wasm generator and its output buffer. */
class SimdNormals {
  private readonly module = new NoiseModule();
  private readonly heap = new Heap(this.module.memory, this.module.heapBase());

  /** n independent standard normal values, keyed by four 32-bit draws from rng: a view valid until the next call. */
  draw(n: number, rng: () => number): Float32Array {
    const count = Math.ceil(n / 8) * 8;
    const heap = this.heap;
    heap.reset();
    const out = heap.alloc(4 * count);
    heap.reserve();
    const key = () => Math.floor(rng() * 2 ** 32);
    this.module.gaussian({ out, count, k0: key(), k1: key(), k2: key(), k3: key() });
    return heap.floats().subarray(out / 4, out / 4 + n);
  }
}

let simdNormals: SimdNormals | null = null;
function normals(n: number, rng: () => number): Float32Array {
  simdNormals ??= new SimdNormals();
  return simdNormals.draw(n, rng);
}

const scratch = new Map<
  number,
  { spectrum: Float64Array; signal: Float64Array; amplitude: Map<number, Float64Array> }
>();

function buffersFor(size: number) {
  let s = scratch.get(size);
  if (!s) {
    s = { spectrum: new Float64Array(size + 2), signal: new Float64Array(size), amplitude: new Map() };
    scratch.set(size, s);
  }
  return s;
}

/** Amplitude k^(β/2) for bins k of a size-point FFT; DC is 0 (its power would be infinite or zero). */
function amplitudeFor(size: number, beta: number, cache: Map<number, Float64Array>): Float64Array {
  let a = cache.get(beta);
  if (!a) {
    a = new Float64Array(size / 2 + 1);
    for (let k = 1; k <= size / 2; k++) a[k] = k ** (beta / 2);
    cache.set(beta, a);
  }
  return a;
}

/** `length` samples of `color` noise from the uniform [0, 1) stream `rng`, scaled so max |x| = 1. */
export function coloredNoise(color: NoiseColor, length: number, rng: () => number): Float32Array {
  if (!Object.hasOwn(NOISE_BETA, color))
    throw new Error(`unknown noise color '${color}' (expected one of ${NOISE_COLORS.join(', ')})`);
  if (!Number.isInteger(length) || length < 0)
    throw new Error(`noise length must be a non-negative integer, got ${length}`);
  const beta = NOISE_BETA[color];
  const out = new Float32Array(length);
  if (length === 0) return out;

  if (beta === 0) {
    out.set(normals(length, rng));
  } else {
    // Circular noise of a power-of-two length, cut to `length`: still stationary with the same PSD.
    let size = 4;
    while (size < length) size *= 2;
    const buf = buffersFor(size);
    const spectrum = buf.spectrum;
    const g = normals(size + 2, rng);
    const amp = amplitudeFor(size, beta, buf.amplitude);
    for (let k = 0; k <= size / 2; k++) {
      spectrum[2 * k] = g[2 * k] * amp[k];
      spectrum[2 * k + 1] = g[2 * k + 1] * amp[k];
    }
    // The Nyquist bin of real noise is real with twice the variance of each part of the other bins.
    spectrum[size] *= Math.SQRT2;
    RealFFT.of(size).inverse(spectrum, buf.signal);
    out.set(buf.signal.subarray(0, length));
  }

  let peak = 0;
  for (let i = 0; i < length; i++) peak = Math.max(peak, Math.abs(out[i]));
  if (peak === 0) return out;
  // The peak sample becomes exactly 1: peak·(1/peak) is within 2^-53 of 1, which float32 rounds to 1.
  const scale = 1 / peak;
  for (let i = 0; i < length; i++) out[i] *= scale;
  return out;
}
