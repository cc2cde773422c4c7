// SpecAugment (Park et al. 2019) without time warping: time and frequency masks on a spectrogram, a typed array
// [frames, channels] in row-major order of any dtype the frontend writes. Masked cells hold the spectrogram's mean
// before masking, or a given value, rounded and clamped to what an integer array can hold.
import type { TypedArray } from '../io/npy.js';
import { randomIndex, type Rng } from '../random/rng.js';

/** One mask: its first frame (or channel) and how many it covers. */
export type Mask = readonly [start: number, width: number];

/** `count` masks, each of a width uniform in 0..maxWidth and a start uniform among those that keep it inside `size`. */
export function drawMasks(rng: Rng, count: number, maxWidth: number, size: number): Mask[] {
  const masks: Mask[] = [];
  for (let i = 0; i < count; i++) {
    const width = randomIndex(rng, Math.min(maxWidth, size) + 1);
    masks.push([randomIndex(rng, size - width + 1), width]);
  }
  return masks;
}

/** "start:width;start:width": how the index CSV records masks. */
export function formatMasks(masks: readonly Mask[]): string {
  return masks.map(([start, width]) => `${start}:${width}`).join(';');
}

const INTEGER_RANGES = new Map<unknown, readonly [number, number]>([
  [Uint8Array, [0, 255]],
  [Int8Array, [-128, 127]],
  [Uint16Array, [0, 65535]],
  [Int16Array, [-32768, 32767]],
  [Int32Array, [-(2 ** 31), 2 ** 31 - 1]],
]);

/** `value` as `array` holds it: integer arrays round (halves to even, as numpy) and clamp; float ones keep it. */
export function heldValue(array: TypedArray, value: number): number {
  const range = INTEGER_RANGES.get(array.constructor);
  if (!range) return value;
  let q = Math.round(value);
  if (q - value === 0.5 && q % 2 !== 0) q -= 1;
  return Math.min(range[1], Math.max(range[0], q));
}

/** Fills the masked frames and channels of `values` ([frames, channels]) with the mask value. */
export function applyMasks(
  values: TypedArray,
  channels: number,
  time: readonly Mask[],
  freq: readonly Mask[],
  maskValue: 'mean' | number,
): void {
  if (!time.some((m) => m[1] > 0) && !freq.some((m) => m[1] > 0)) return;
  const frames = values.length / channels;
  let value = maskValue;
  if (value === 'mean') {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    value = sum / values.length;
  }
  const v = heldValue(values, value);
  for (const [start, width] of time) values.fill(v, start * channels, (start + width) * channels);
  for (const [start, width] of freq)
    if (width > 0) for (let f = 0; f < frames; f++) values.fill(v, f * channels + start, f * channels + start + width);
}
