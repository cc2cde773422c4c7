// Coloured Gaussian noise with power spectral density ∝ f^β, peak-normalised to 1.
// White noise's DFT is itself white complex Gaussian noise, so the shaped spectrum is drawn directly (one inverse
// FFT instead of a forward and an inverse); white noise skips the FFT altogether.
import { RealFFT } from '../dsp/fft.js';

import type { NoiseColor } from '../config/schema.js';

export type { NoiseColor };

/** PSD exponent β of each colour. */
export const NOISE_BETA: Readonly<Record<NoiseColor, number>> = { white: 0, pink: -1, brown: -2, blue: 1, violet: 2 };

export const NOISE_COLORS = Object.keys(NOISE_BETA) as NoiseColor[];

/** Fills out[0 .. n) with independent standard normal values (Marsaglia's polar method: no trigonometry). */
function gaussian(out: Float64Array, n: number, rng: () => number): void {
  for (let i = 0; i < n; ) {
    const u = 2 * rng() - 1;
    const v = 2 * rng() - 1;
    const s = u * u + v * v;
    if (s >= 1 || s === 0) continue;
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    out[i++] = u * f;
    if (i < n) out[i++] = v * f;
  }
}

let whiteScratch = new Float64Array(0);
const scratch = new Map<number, { spectrum: Float64Array; signal: Float64Array; amplitude: Map<number, Float64Array> }>();

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
  if (!Object.hasOwn(NOISE_BETA, color)) throw new Error(`unknown noise color '${color}' (expected one of ${NOISE_COLORS.join(', ')})`);
  if (!Number.isInteger(length) || length < 0) throw new Error(`noise length must be a non-negative integer, got ${length}`);
  const beta = NOISE_BETA[color];
  const out = new Float32Array(length);
  if (length === 0) return out;

  let signal: Float64Array;
  if (beta === 0) {
    if (whiteScratch.length < length) whiteScratch = new Float64Array(length);
    signal = whiteScratch;
    gaussian(signal, length, rng);
  } else {
    // Circular noise of a power-of-two length, cut to `length`: still stationary with the same PSD.
    let size = 4;
    while (size < length) size *= 2;
    const buf = buffersFor(size);
    const spectrum = buf.spectrum;
    gaussian(spectrum, size + 2, rng);
    const amp = amplitudeFor(size, beta, buf.amplitude);
    for (let k = 0; k <= size / 2; k++) {
      spectrum[2 * k] *= amp[k];
      spectrum[2 * k + 1] *= amp[k];
    }
    // The Nyquist bin of real noise is real with twice the variance of each part of the other bins.
    spectrum[size] *= Math.SQRT2;
    RealFFT.of(size).inverse(spectrum, buf.signal);
    signal = buf.signal;
  }

  let peak = 0;
  for (let i = 0; i < length; i++) peak = Math.max(peak, Math.abs(signal[i]));
  if (peak === 0) return out;
  for (let i = 0; i < length; i++) out[i] = signal[i] / peak;
  return out;
}
