// Spectral measurements shared by the augmentation tests (not a test file itself).
import { RealFFT } from '../../src/dsp/fft.js';
import { periodicHann } from '../../src/dsp/stft.js';

/** A tone of `freq` Hz, `seconds` long, amplitude 0.5. */
export function tone(freq: number, sampleRate: number, seconds: number): Float32Array {
  const y = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < y.length; i++) y[i] = 0.5 * Math.sin((2 * Math.PI * freq * i) / sampleRate);
  return y;
}

/** Power spectrum of a Hann-windowed segment of `size` samples starting at `start`. */
export function powerSpectrum(y: Float32Array, start: number, size: number): Float64Array {
  const w = periodicHann(size);
  const x = new Float64Array(size);
  for (let i = 0; i < size; i++) x[i] = (y[start + i] ?? 0) * w[i];
  const s = new Float64Array(size + 2);
  RealFFT.of(size).forward(x, s);
  const p = new Float64Array(size / 2 + 1);
  for (let k = 0; k < p.length; k++) p[k] = s[2 * k] ** 2 + s[2 * k + 1] ** 2;
  return p;
}

/** Frequency (Hz) of the strongest component in the middle of y, refined by a parabola through log power. */
export function peakFrequency(y: Float32Array, sampleRate: number, size = 8192): number {
  const p = powerSpectrum(y, Math.max(0, Math.floor((y.length - size) / 2)), size);
  let best = 1;
  for (let k = 1; k < p.length - 1; k++) if (p[k] > p[best]) best = k;
  const [a, b, c] = [Math.log(p[best - 1]), Math.log(p[best]), Math.log(p[best + 1])];
  const delta = (0.5 * (a - c)) / (a - 2 * b + c);
  return ((best + delta) * sampleRate) / size;
}

/** Welch PSD: Hann segments of `size` with 50% overlap, averaged. */
export function welch(y: Float32Array, size: number): Float64Array {
  const psd = new Float64Array(size / 2 + 1);
  let count = 0;
  for (let start = 0; start + size <= y.length; start += size / 2, count++) {
    const p = powerSpectrum(y, start, size);
    for (let k = 0; k < psd.length; k++) psd[k] += p[k];
  }
  return psd.map((v) => v / count);
}

/** Least-squares slope of log10(PSD) against log10(f) over [fLo, fHi] Hz. */
export function logLogSlope(psd: Float64Array, sampleRate: number, fLo: number, fHi: number): number {
  const binHz = sampleRate / (2 * (psd.length - 1));
  let n = 0,
    sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let k = 1; k < psd.length; k++) {
    const f = k * binHz;
    if (f < fLo || f > fHi) continue;
    const x = Math.log10(f);
    const v = Math.log10(psd[k]);
    n++;
    sx += x;
    sy += v;
    sxx += x * x;
    sxy += x * v;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}
