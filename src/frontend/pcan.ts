// Per-channel automatic gain control (pcan_gain_control.c): gain = 2^gain_bits / (noise + offset)^strength from a
// piecewise-quadratic lookup over the noise estimate's octave, snr = signal·gain, then a soft "shrink".
import { msb32 } from './bits.js';

const SNR_BITS = 12;
const OUTPUT_BITS = 6;
const WIDE_DYNAMIC_BITS = 32;

export interface PcanSettings {
  strength: number;
  offset: number;
  gainBits: number;
}

/** One entry of the gain table: the gain at noise level x (in the noise estimate's fixed point), as int16. */
function gainAt(s: PcanSettings, inputBits: number, x: number): number {
  // C float arithmetic with powf, emulated by rounding every result to float.
  const round = Math.fround;
  const xAsFloat = round(round(x) / 2 ** inputBits);
  const base = round(xAsFloat + Math.fround(s.offset));
  // biome-ignore lint/style/useExponentiationOperator: powf of the reference, called as such (no constant folding)
  const power = round(Math.pow(base, -Math.fround(s.strength)));
  const gain = round(2 ** s.gainBits * power);
  if (gain > 0x7fff) return 0x7fff;
  return (Math.trunc(round(gain + 0.5)) << 16) >> 16;
}

/** The reference's lookup table: lut[0..1] for x = 0, 1; then per octave 2..32 (y0, a1, a2) at 4·octave - 6. */
export function pcanGainTable(s: PcanSettings, smoothingBits: number, correctionBits: number): Int16Array {
  const inputBits = smoothingBits - correctionBits;
  const lut = new Int16Array(4 * WIDE_DYNAMIC_BITS - 3);
  lut[0] = gainAt(s, inputBits, 0);
  lut[1] = gainAt(s, inputBits, 1);
  for (let interval = 2; interval <= WIDE_DYNAMIC_BITS; interval++) {
    const x0 = 2 ** (interval - 1);
    const x1 = x0 + Math.floor(x0 / 2);
    const x2 = interval === WIDE_DYNAMIC_BITS ? x0 + (x0 - 1) : 2 * x0;
    const y0 = gainAt(s, inputBits, x0);
    const y1 = gainAt(s, inputBits, x1);
    const y2 = gainAt(s, inputBits, x2);
    const diff1 = y1 - y0;
    const diff2 = y2 - y0;
    const a1 = 4 * diff1 - diff2;
    const a2 = diff2 - a1;
    const at = 4 * interval - 6;
    lut[at] = y0;
    lut[at + 1] = a1;
    lut[at + 2] = a2;
  }
  return lut;
}

/** WideDynamicFunction: the gain for noise estimate x, interpolated within x's octave; an int16. */
export function wideDynamicGain(x: number, lut: Int16Array): number {
  if (x <= 2) return lut[x];
  const interval = msb32(x);
  const at = 4 * interval - 6;
  const frac = (interval < 11 ? x << (11 - interval) : x >>> (interval - 11)) & 0x3ff;
  let result = (lut[at + 2] * frac) >> 5;
  result = (result + (lut[at + 1] << 5)) | 0;
  result = Math.imul(result, frac);
  result = (result + (1 << 14)) >> 15;
  result += lut[at];
  return (result << 16) >> 16;
}

/** PcanShrink: quadratic below 2 (in Q12), linear minus 1 above, output in Q6. */
export function pcanShrink(x: number): number {
  if (x < 2 << SNR_BITS) return (x * x) >>> (2 + 2 * SNR_BITS - OUTPUT_BITS);
  return (x >>> (SNR_BITS - OUTPUT_BITS)) - (1 << OUTPUT_BITS);
}

export class PcanGainControl {
  readonly lut: Int16Array;
  readonly snrShift: number;

  constructor(s: PcanSettings, smoothingBits: number, correctionBits: number) {
    this.lut = pcanGainTable(s, smoothingBits, correctionBits);
    this.snrShift = s.gainBits - correctionBits - SNR_BITS;
    if (this.snrShift < 0) throw new Error(`pcan_gain_bits ${s.gainBits} is too small for this FFT size`);
  }

  apply(signal: Uint32Array, noiseEstimate: Uint32Array): void {
    const scale = 2 ** -this.snrShift; // exact: a power of two
    const lut = this.lut;
    for (let i = 0; i < signal.length; i++) {
      const gain = wideDynamicGain(noiseEstimate[i], lut);
      let snr: number;
      if (gain >= 0) {
        // signal < 2^32, gain < 2^15: the product is exact in a double.
        snr = Math.floor(signal[i] * gain * scale) >>> 0;
      } else {
        // A negative int16 gain becomes a huge uint32 in C; only BigInt keeps that 64-bit product exact.
        const product = BigInt(signal[i]) * BigInt(gain >>> 0);
        snr = Number((product >> BigInt(this.snrShift)) & 0xffffffffn);
      }
      signal[i] = pcanShrink(snr);
    }
  }
}
