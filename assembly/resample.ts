// The windowed-sinc resampler's inner loops in f32x4 SIMD: each output sample is a dot product of the input
// around its time with one filter row (or two, blended). src/audio/resample.ts builds the tables in JS and lays out
// the memory from heapBase(): the table, then the input with `lead` zeros before it and a row's length of zeros
// after it, then the output. A usize is a byte address.
// Two outputs per iteration, each with two accumulators per row: independent chains keep the vector units busy
// where one chain would wait on each add.
export { heapBase } from './_heap';

/** The sum of the four lanes. */
// @ts-ignore: decorator
@inline function lanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ x[j]·row[j] over a row of `rowBytes` (a multiple of 16). */
// @ts-ignore: decorator
@inline function dot(xp: usize, row: usize, rowBytes: usize): f32 {
  let a = f32x4.splat(0);
  let b = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 < rowBytes; o += 32) {
    a = f32x4.add(a, f32x4.mul(v128.load(xp + o), v128.load(row + o)));
    b = f32x4.add(b, f32x4.mul(v128.load(xp + o, 16), v128.load(row + o, 16)));
  }
  if (o < rowBytes) a = f32x4.add(a, f32x4.mul(v128.load(xp + o), v128.load(row + o)));
  return lanes(f32x4.add(a, b));
}

/** The dot products with two adjacent rows, blended: (1 − f)·row0 + f·row1. */
// @ts-ignore: decorator
@inline function blend(xp: usize, row: usize, rowBytes: usize, f: f32): f32 {
  const next = row + rowBytes;
  let a = f32x4.splat(0);
  let b = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let b2 = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 < rowBytes; o += 32) {
    const v = v128.load(xp + o);
    const w = v128.load(xp + o, 16);
    a = f32x4.add(a, f32x4.mul(v, v128.load(row + o)));
    b = f32x4.add(b, f32x4.mul(v, v128.load(next + o)));
    a2 = f32x4.add(a2, f32x4.mul(w, v128.load(row + o, 16)));
    b2 = f32x4.add(b2, f32x4.mul(w, v128.load(next + o, 16)));
  }
  if (o < rowBytes) {
    const v = v128.load(xp + o);
    a = f32x4.add(a, f32x4.mul(v, v128.load(row + o)));
    b = f32x4.add(b, f32x4.mul(v, v128.load(next + o)));
  }
  const sa = lanes(f32x4.add(a, a2));
  return sa + f * (lanes(f32x4.add(b, b2)) - sa);
}

/** Rational ratio up/down: output m at input time m·down/up, filtered by row (m·down) mod up. */
export function exact(x: usize, table: usize, taps: i32, up: i32, down: i32, out: usize, count: i32): void {
  const rowBytes = <usize>taps << 2;
  const whole = down / up;
  const rest = down % up;
  let i0 = 0;
  let phase = 0;
  for (let m = 0; m < count; m++) {
    store<f32>(out + (<usize>m << 2), dot(x + (<usize>i0 << 2), table + <usize>phase * rowBytes, rowBytes));
    i0 += whole;
    phase += rest;
    if (phase >= up) {
      phase -= up;
      i0++;
    }
  }
}

/**
 * Any ratio: output m at input time m·step, blending the two rows around it of a table of `phases` (a power of
 * two) rows per input sample. Times are 32.32 fixed point (off by at most m·2^-33 samples), which splits into
 * sample, row and blend factor without float-to-int conversions.
 */
export function interpolated(x: usize, table: usize, taps: i32, phases: i32, step: f64, out: usize, count: i32): void {
  const rowBytes = <usize>taps << 2;
  const inc = <i64>Math.floor(step * 4294967296 + 0.5);
  const shift = <i64>(32 - ctz(phases));
  const fracMask = (<i64>1 << shift) - 1;
  const fracScale = <f32>(1 / <f64>(<i64>1 << shift));
  let pos: i64 = 0;
  let m = 0;
  for (; m + 1 < count; m += 2) {
    const next = pos + inc;
    const s0 = blend(x + (<usize>(pos >> 32) << 2), table + <usize>((pos & 0xffffffff) >> shift) * rowBytes, rowBytes, <f32>(pos & fracMask) * fracScale);
    const s1 = blend(x + (<usize>(next >> 32) << 2), table + <usize>((next & 0xffffffff) >> shift) * rowBytes, rowBytes, <f32>(next & fracMask) * fracScale);
    store<f32>(out + (<usize>m << 2), s0);
    store<f32>(out + (<usize>m << 2), s1, 4);
    pos = next + inc;
  }
  if (m < count) {
    store<f32>(out + (<usize>m << 2), blend(x + (<usize>(pos >> 32) << 2), table + <usize>((pos & 0xffffffff) >> shift) * rowBytes, rowBytes, <f32>(pos & fracMask) * fracScale));
  }
}
