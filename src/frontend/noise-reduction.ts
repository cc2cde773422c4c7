// Stationary noise subtraction per channel (noise_reduction.c): a per-channel running estimate in Q14 with
// separate smoothing for even and odd channels, the estimate subtracted, floored at a fraction of the signal.

export const NOISE_REDUCTION_BITS = 14;

export interface NoiseReductionSettings {
  smoothingBits: number;
  evenSmoothing: number;
  oddSmoothing: number;
  minSignalRemaining: number;
}

/** Q14 coefficient as the reference truncates it: float(c) · 2^14 cast to an integer. */
function q14(x: number): number {
  return Math.trunc(Math.fround(Math.fround(x) * (1 << NOISE_REDUCTION_BITS))) & 0xffff;
}

export class NoiseReduction {
  /** The running noise estimate (also the PCAN stage's input). */
  readonly estimate: Uint32Array;
  readonly smoothingBits: number;
  readonly even: number;
  readonly odd: number;
  readonly minRemaining: number;

  constructor(channels: number, s: NoiseReductionSettings) {
    this.estimate = new Uint32Array(channels);
    this.smoothingBits = s.smoothingBits;
    this.even = q14(s.evenSmoothing);
    this.odd = q14(s.oddSmoothing);
    this.minRemaining = q14(s.minSignalRemaining);
  }

  reset(): void {
    this.estimate.fill(0);
  }

  apply(signal: Uint32Array): void {
    const estimates = this.estimate;
    const bits = this.smoothingBits;
    const one = 1 << NOISE_REDUCTION_BITS;
    const inverse = 1 / one; // exact: a power of two
    const even = this.even;
    const odd = this.odd;
    const minRemaining = this.minRemaining;
    for (let i = 0; i < estimates.length; i++) {
      const smoothing = (i & 1) === 0 ? even : odd;
      const value = signal[i];
      // uint32 shift: wraps like the C code.
      const scaledUp = (value << bits) >>> 0;
      // 64-bit products below 2^47: exact in doubles.
      let estimate = Math.floor((scaledUp * smoothing + estimates[i] * (one - smoothing)) * inverse) >>> 0;
      estimates[i] = estimate;
      if (estimate > scaledUp) estimate = scaledUp;
      const floor = Math.floor(value * minRemaining * inverse);
      const subtracted = (scaledUp - estimate) >>> bits;
      signal[i] = subtracted > floor ? subtracted : floor;
    }
  }
}
