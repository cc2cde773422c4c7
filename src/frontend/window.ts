// Hann window with 12-bit integer coefficients, applied to int16 samples (microfrontend window.c).

export const WINDOW_BITS = 12;

/**
 * How the reference evaluates the cosine: TFLM calls cos() on the double product of the float step and i + 0.5;
 * MLTK's fork calls cosf(), rounding that argument and the result to float (one coefficient of a 480-sample
 * window differs between the two).
 */
export type WindowCosine = 'cos' | 'cosf';

/** The reference's quantized Hann coefficients: floor(w·4096 + 0.5), w = float(0.5 - 0.5·cos(2π/size·(i + 0.5))). */
export function windowCoefficients(size: number, cosine: WindowCosine): Int16Array {
  const f = Math.fround;
  const arg = f((Math.PI * 2.0) / size);
  const coefficients = new Int16Array(size);
  for (let i = 0; i < size; i++) {
    const x = arg * (i + 0.5);
    const cos = cosine === 'cosf' ? f(Math.cos(f(x))) : Math.cos(x);
    coefficients[i] = Math.floor(f(0.5 - 0.5 * cos) * (1 << WINDOW_BITS) + 0.5);
  }
  return coefficients;
}

/**
 * Windows `coefficients.length` samples of `input` from `offset` into `output`. Returns the OR of all |output|
 * values: its most significant bit is that of the largest |output|, which is all the FFT scaling needs. An
 * output of -32768 is left out, as in C where its int16 negation stays negative and never becomes the maximum.
 */
export function applyWindow(coefficients: Int16Array, input: Int16Array, offset: number, output: Int16Array): number {
  const size = coefficients.length;
  let magnitudes = 0;
  for (let i = 0; i < size; i++) {
    const value = Math.imul(input[offset + i], coefficients[i]) >> WINDOW_BITS;
    output[i] = value;
    const sign = value >> 31;
    // |value|, with 32768 (from -32768) masked to 0.
    magnitudes |= ((value ^ sign) - sign) & 0x7fff;
  }
  return magnitudes;
}
