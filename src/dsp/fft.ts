// Real FFT of power-of-two sizes on Float64Array over fft.js, in float64: used for colored noise and as the STFT's
// 'reference' engine (src/wasm/engine.ts); fft-simd.ts has the 'simd' one.
import FFT from 'fft.js';

export class RealFFT {
  /** Transform length n (real samples); the half spectrum holds n/2 + 1 complex bins, interleaved re/im. */
  readonly size: number;
  readonly bins: number;
  private readonly half: FFT;
  private readonly halfIn: Float64Array;
  private readonly halfOut: Float64Array;
  // cos/sin(2πk/n) for k < n/2: the twiddles between the half-size transform and the real spectrum.
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  private static readonly cache = new Map<number, RealFFT>();

  /** The shared instance for size n (instances own scratch buffers: use from one thread only). */
  static of(n: number): RealFFT {
    let fft = RealFFT.cache.get(n);
    if (!fft) {
      fft = new RealFFT(n);
      RealFFT.cache.set(n, fft);
    }
    return fft;
  }

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 4 || (n & (n - 1)) !== 0) {
      throw new Error(`RealFFT size must be a power of two >= 4, got ${n}`);
    }
    this.size = n;
    this.bins = n / 2 + 1;
    this.half = new FFT(n / 2);
    this.halfIn = new Float64Array(n);
    this.halfOut = new Float64Array(n);
    this.cos = new Float64Array(n / 2);
    this.sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
  }

  /**
   * spectrum[at .. at+n+2) = unscaled DFT bins 0..n/2 of input[0 .. n) (numpy.fft.rfft). Runs as one n/2-point
   * complex FFT of the samples read as pairs (x[2m] + i·x[2m+1]), 1.5× faster than fft.js's realTransform.
   */
  forward(input: Float64Array, spectrum: Float64Array, at = 0): void {
    const n = this.size;
    const h = n / 2;
    if (input.length < n || spectrum.length < at + n + 2) {
      throw new Error(`RealFFT(${n}).forward needs ${n} inputs and ${n + 2} outputs`);
    }
    const z = this.halfOut;
    this.half.transform(z, input);
    const cos = this.cos;
    const sin = this.sin;
    spectrum[at] = z[0] + z[1];
    spectrum[at + 1] = 0;
    spectrum[at + n] = z[0] - z[1];
    spectrum[at + n + 1] = 0;
    for (let k = 1; k < h; k++) {
      const ar = z[2 * k];
      const ai = z[2 * k + 1];
      const br = z[2 * (h - k)];
      const bi = -z[2 * (h - k) + 1];
      // Even-sample spectrum E = (A + B)/2, odd-sample spectrum O = (A − B)/2i, with B = conj(Z[h−k]);
      // X[k] = E + e^{−2πik/n}·O.
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      spectrum[at + 2 * k] = er + or * cos[k] + oi * sin[k];
      spectrum[at + 2 * k + 1] = ei + oi * cos[k] - or * sin[k];
    }
  }

  /**
   * output[0 .. n) = numpy.fft.irfft(spectrum bins 0..n/2, n): inverse(forward(x)) = x. The imaginary parts of the
   * DC and Nyquist bins are ignored, as irfft does. The spectrum is read from spectrum[at ..]. Runs as one
   * n/2-point complex inverse FFT.
   */
  inverse(spectrum: Float64Array, output: Float64Array, at = 0): void {
    const n = this.size;
    const h = n / 2;
    if (spectrum.length < at + n + 2 || output.length < n) {
      throw new Error(`RealFFT(${n}).inverse needs ${n + 2} inputs and ${n} outputs`);
    }
    const z = this.halfIn;
    const cos = this.cos;
    const sin = this.sin;
    // k = 0 pairs DC with Nyquist (both taken as real).
    const dc = spectrum[at];
    const ny = spectrum[at + n];
    z[0] = 0.5 * (dc + ny);
    z[1] = 0.5 * (dc - ny);
    for (let k = 1; k < h; k++) {
      const ar = spectrum[at + 2 * k];
      const ai = spectrum[at + 2 * k + 1];
      const br = spectrum[at + 2 * (h - k)];
      const bi = -spectrum[at + 2 * (h - k) + 1];
      // Even-sample spectrum E = (A + B)/2, odd-sample spectrum O = (A - B)/2 · e^{2πik/n}; Z = E + iO.
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      const or = dr * cos[k] - di * sin[k];
      const oi = dr * sin[k] + di * cos[k];
      z[2 * k] = er - oi;
      z[2 * k + 1] = ei + or;
    }
    // The complex inverse of Z is x[2m] + i·x[2m+1], i.e. the interleaved output is x itself.
    // (fft.js scales every element of its output array, so it must be exactly n long.)
    if (output.length === n) {
      this.half.inverseTransform(output, z);
    } else {
      this.half.inverseTransform(this.halfOut, z);
      output.set(this.halfOut);
    }
  }
}
