// First-order DC notch filter in int16 arithmetic (MLTK dc_notch_filter.c): y[n] = x[n] - x[n-1] + a·y[n-1].

/** The filter coefficient in Q15 as the reference truncates it: (int16)(float(c) · 32768). */
export function dcNotchCoefficient(coefficient: number): number {
  return (Math.trunc(Math.fround(coefficient) * 32768) << 16) >> 16;
}

/**
 * Filters `count` samples from a reset state (previous input and output 0); every store wraps to int16
 * exactly as the C code's int16_t variables do.
 */
export function dcNotchFilter(coefficient: number, input: Int16Array, output: Int16Array, count: number): void {
  let prevIn = 0;
  let prevOut = 0;
  for (let n = 0; n < count; n++) {
    const x = input[n];
    const p = coefficient * prevOut;
    const y = ((x - prevIn + (((p >> 14) + 1) >> 1)) << 16) >> 16;
    output[n] = y;
    prevIn = x;
    prevOut = y;
  }
}
