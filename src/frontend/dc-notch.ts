// First-order DC notch filter in int16 arithmetic (MLTK dc_notch_filter.c): y[n] = x[n] - x[n-1] + a·y[n-1].

/** The filter coefficient in Q15 as the reference truncates it: (int16)(float(c) · 32768). */
export function dcNotchCoefficient(coefficient: number): number {
  return (Math.trunc(Math.fround(coefficient) * 32768) << 16) >> 16;
}

/** The filter's memory: the previous input and output (both 0 after a reset). */
export interface DcNotchState {
  prevIn: number;
  prevOut: number;
}

/**
 * Filters `count` samples from a reset state (previous input and output 0); every store wraps to int16
 * exactly as the C code's int16_t variables do.
 */
export function dcNotchFilter(coefficient: number, input: Int16Array, output: Int16Array, count: number): void {
  dcNotchRun(coefficient, { prevIn: 0, prevOut: 0 }, input, 0, output, 0, count);
}

/**
 * Filters input[inAt, inAt + count) into output[outAt, …) from `state`, and leaves the state after the last sample
 * there: a stream filtered in pieces gives the same samples as filtered whole.
 */
export function dcNotchRun(
  coefficient: number,
  state: DcNotchState,
  input: Int16Array,
  inAt: number,
  output: Int16Array,
  outAt: number,
  count: number,
): void {
  let prevIn = state.prevIn;
  let prevOut = state.prevOut;
  for (let n = 0; n < count; n++) {
    const x = input[inAt + n];
    const p = coefficient * prevOut;
    const y = ((x - prevIn + (((p >> 14) + 1) >> 1)) << 16) >> 16;
    output[outAt + n] = y;
    prevIn = x;
    prevOut = y;
  }
  state.prevIn = prevIn;
  state.prevOut = prevOut;
}
