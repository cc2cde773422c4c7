// uint16 spectrogram -> int8, as MLTK's wrapper does it: a fixed 0..666 mapping (TFLM micro_features), or a
// dynamic mapping of [max - range, max] onto [-128, 127] over the whole spectrogram.

/** TFLM micro_features' mapping of the first `count` values: round(v·256/666) - 128, clamped. */
export function fixedInt8(spectrogram: Uint16Array, out: Int8Array, count = spectrogram.length): void {
  for (let i = 0; i < count; i++) {
    const value = Math.floor((spectrogram[i] * 256 + 333) / 666) - 128;
    out[i] = value > 127 ? 127 : value;
  }
}

/** The dynamic range in spectrogram units: (int)(float(range_db) · float(2^shift) · ln(10)/20). */
export function dynamicRange(rangeDb: number, logScaleShift: number): number {
  return Math.trunc(Math.fround(Math.fround(rangeDb) * (1 << logScaleShift)) * 0.11512925465);
}

/**
 * Maps [max - range, max] of the first `count` values (the max over all of them, the lower end clamped at 0)
 * linearly onto [-128, 127], with C's truncating division.
 */
export function dynamicInt8(spectrogram: Uint16Array, range: number, out: Int8Array, count = spectrogram.length): void {
  let max = 0;
  for (let i = 0; i < count; i++) if (spectrogram[i] > max) max = spectrogram[i];
  const min = Math.max(max - range, 0);
  const span = Math.max(max - min, 1);
  for (let i = 0; i < count; i++) {
    const value = Math.trunc(((spectrogram[i] - min) * 255) / span) - 128;
    out[i] = value < -128 ? -128 : value > 127 ? 127 : value;
  }
}

/** float32 output of the first `count` values: the uint16 value as a float. */
export function toFloat32(spectrogram: Uint16Array, out: Float32Array, count = spectrogram.length): void {
  for (let i = 0; i < count; i++) out[i] = spectrogram[i];
}
