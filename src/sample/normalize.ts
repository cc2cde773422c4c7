// What the reference applies to a spectrogram after the frontend (ParallelAudioDataGenerator.standardize), and the
// final conversion to the output dtype.
import type { GeneratorConfig } from '../config/schema.js';
import type { TypedArray } from '../io/npy.js';

export type Normalization = Pick<
  GeneratorConfig,
  'rescale' | 'samplewise_center' | 'samplewise_std_normalization' | 'samplewise_normalize_range'
>;

export function normalizes(n: Normalization): boolean {
  return (
    n.rescale !== null || n.samplewise_center || n.samplewise_std_normalization || n.samplewise_normalize_range !== null
  );
}

/** In place, in the reference's order: rescale (multiply), center, std (+1e-6), then range. */
export function normalize(x: Float64Array, n: Normalization): void {
  const len = x.length;
  if (n.rescale !== null) for (let i = 0; i < len; i++) x[i] *= n.rescale;
  if (n.samplewise_center) {
    const m = mean(x);
    for (let i = 0; i < len; i++) x[i] -= m;
  }
  if (n.samplewise_std_normalization) {
    const m = mean(x);
    let ss = 0;
    for (let i = 0; i < len; i++) ss += (x[i] - m) * (x[i] - m);
    const scale = 1 / (Math.sqrt(ss / len) + 1e-6);
    for (let i = 0; i < len; i++) x[i] *= scale;
  }
  if (n.samplewise_normalize_range !== null) {
    const [lo, hi] = n.samplewise_normalize_range;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < len; i++) {
      if (x[i] < min) min = x[i];
      if (x[i] > max) max = x[i];
    }
    const ptp = max - min;
    // A constant spectrogram (ptp 0) maps to the lower bound rather than the reference's NaN.
    const scale = ptp > 0 ? (hi - lo) / ptp : 0;
    for (let i = 0; i < len; i++) x[i] = (x[i] - min) * scale + lo;
  }
}

function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

const INT_RANGE = new Map<object, [number, number]>([
  [Int8Array, [-128, 127]],
  [Uint8Array, [0, 255]],
  [Int16Array, [-32768, 32767]],
  [Uint16Array, [0, 65535]],
  [Int32Array, [-2147483648, 2147483647]],
]);

/** Copies values into `out`, converting like numpy's astype but saturating integers instead of wrapping (NaN -> 0). */
export function castInto(values: ArrayLike<number>, out: TypedArray): void {
  const range = INT_RANGE.get(out.constructor);
  if (!range) {
    // Float targets: the native copy converts each value as assignment does, ~4× the loop over mixed array types.
    if (values.length <= out.length) out.set(values);
    else for (let i = 0; i < out.length; i++) out[i] = values[i];
    return;
  }
  const [lo, hi] = range;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isNaN(v) ? 0 : v <= lo ? lo : v >= hi ? hi : Math.trunc(v);
  }
}
