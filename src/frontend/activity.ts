// MLTK activity detection (activity_detection.c): total channel power, a fast and a slow one-pole IIR, armed
// when fast/slow drops below the arm threshold, tripped when it then rises above the trip threshold. The trip
// is sticky for the clip.

export interface ActivitySettings {
  alphaA: number;
  alphaB: number;
  armThreshold: number;
  tripThreshold: number;
}

/** (int16)(float(x) · 2^bits): the reference's truncating fixed-point conversion. */
function fixed(x: number, bits: number): number {
  return (Math.trunc(Math.fround(Math.fround(x) * (1 << bits))) << 16) >> 16;
}

/** out = ((1 - k)·in + k·out) / 256, rounded; the products are 32-bit int multiplies in C. */
function onePole(input: number, state: number, k: number): number {
  const p1 = Math.imul(((256 - k) << 16) >> 16, input);
  const p2 = Math.imul(k, state);
  return Math.floor((Math.floor((p1 + p2) / 128) + 1) / 2) | 0;
}

export class ActivityDetector {
  private readonly scale: number;
  private readonly alphaA: number;
  private readonly alphaB: number;
  private readonly armThreshold: number;
  private readonly tripThreshold: number;
  private filterA = 0;
  private filterB = 0;
  private armed = false;
  tripped = false;

  constructor(channels: number, s: ActivitySettings) {
    // ceil(log2(channels)), computed exactly.
    let scale = 0;
    while (2 ** scale < channels) scale++;
    this.scale = scale;
    this.alphaA = fixed(s.alphaA, 8);
    this.alphaB = fixed(s.alphaB, 8);
    this.armThreshold = fixed(s.armThreshold, 12);
    this.tripThreshold = fixed(s.tripThreshold, 12);
  }

  reset(): void {
    this.filterA = 0;
    this.filterB = 0;
    this.armed = false;
    this.tripped = false;
  }

  apply(signal: Uint32Array): void {
    let total = 0;
    for (let i = 0; i < signal.length; i++) total = (total + signal[i]) >>> 0;
    const x = (total >>> this.scale) | 0;
    this.filterA = onePole(x, this.filterA, this.alphaA);
    this.filterB = onePole(x, this.filterB, this.alphaB);
    // Thresholds: (int64)filter_b · threshold >> 12, truncated to int32.
    if (!this.armed) {
      const arm = Math.floor((this.filterB * this.armThreshold) / 4096) | 0;
      if (this.filterA < arm) this.armed = true;
    } else {
      const trip = Math.floor((this.filterB * this.tripThreshold) / 4096) | 0;
      if (this.filterA > trip) {
        this.armed = false;
        this.tripped = true;
      }
    }
  }
}
