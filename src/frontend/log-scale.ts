// Fixed-point natural log scaled by 2^scale_shift (log_scale.c): log2 from the leading bit plus a 128-segment
// interpolated correction table, times ln 2 in Q16; outputs saturate at 65535.
import { msb32 } from './bits.js';

const LOG_SCALE_LOG2 = 16;
const LOG_SEGMENTS_LOG2 = 7;
const LOG_COEFF = 45426; // ln(2) in Q16
const HALF = 1 << (LOG_SCALE_LOG2 - 1);

// The reference's log2(1 + f) - f correction, 129 segment ends (+1 padding), in Q16.
export const LOG_LUT = Int32Array.from([
  0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487,
  3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934, 5001, 5063, 5123, 5178,
  5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507, 5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638,
  5633, 5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332, 5291, 5249, 5203, 5156, 5106,
  5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848, 3759,
  3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659, 2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729,
  1605, 1480, 1353, 1224, 1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
]);

/** ln(x)·2^scaleShift for a uint32 x > 1, in the reference's fixed point (uint32 wrap included). */
export function fixedLog(x: number, scaleShift: number): number {
  const integer = msb32(x) - 1;
  // x minus its leading bit (XOR on the int32 view also clears bit 31 correctly).
  let frac = x ^ (1 << integer);
  if (integer < LOG_SCALE_LOG2) frac <<= LOG_SCALE_LOG2 - integer;
  else frac >>= integer - LOG_SCALE_LOG2;
  const segment = frac >> (LOG_SCALE_LOG2 - LOG_SEGMENTS_LOG2);
  const c0 = LOG_LUT[segment];
  const c1 = LOG_LUT[segment + 1];
  const segmentBase = segment << (LOG_SCALE_LOG2 - LOG_SEGMENTS_LOG2);
  const relative = ((c1 - c0) * (frac - segmentBase)) >> LOG_SCALE_LOG2;
  const log2 = integer * (1 << LOG_SCALE_LOG2) + frac + c0 + relative;
  const loge = Math.floor((LOG_COEFF * log2 + HALF) * (1 / (1 << LOG_SCALE_LOG2)));
  return ((((loge << scaleShift) >>> 0) + HALF) >>> 0) >>> LOG_SCALE_LOG2;
}

export class LogScale {
  constructor(
    readonly enabled: boolean,
    readonly scaleShift: number,
    /** msb(fft size) - 1 - 6: undoes the FFT's 1/N scaling relative to the 12-bit filterbank weights. */
    readonly correctionBits: number,
  ) {}

  /** Converts `channels` values of `signal` into uint16 at `out[offset..]`. */
  apply(signal: Uint32Array, out: Uint16Array, offset: number): void {
    const correction = this.correctionBits;
    const shift = this.scaleShift;
    const enabled = this.enabled;
    for (let i = 0; i < signal.length; i++) {
      let value = signal[i];
      if (enabled) {
        value = correction < 0 ? value >>> -correction : (value << correction) >>> 0;
        value = value > 1 ? fixedLog(value, shift) : 0;
      }
      out[offset + i] = value < 0xffff ? value : 0xffff;
    }
  }
}
