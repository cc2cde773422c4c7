// Float audio in [-1, 1] -> int16 PCM for the frontend.

/**
 * x·32768 truncated toward zero (numpy's astype(int16) after MLTK's `sample * 32768`), but saturated to
 * [-32768, 32767] instead of wrapping, so a full-scale +1.0 stays loud rather than flipping sign.
 */
export function floatToInt16(x: Float32Array, out: Int16Array): void {
  if (out.length < x.length) throw new Error(`int16 output holds ${out.length} samples, input has ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    // The Int16Array store truncates toward zero (and maps NaN to 0); only the range needs clamping here.
    const v = x[i] * 32768;
    out[i] = v >= 32767 ? 32767 : v <= -32768 ? -32768 : v;
  }
}
