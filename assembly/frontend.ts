// The microfrontend's stages in WebAssembly SIMD: the 'simd' engine of src/frontend/frontend.ts, bit-exact with the
// readable JS stages in src/frontend/ (the 'reference' engine, which the tests hold this to). In wasm: float audio
// to int16 (floatToInt16, src/frontend/pcm.ts); per frame the Hann window, kissfft's fixed-point real FFT and the
// mel filterbank's energies and square roots (spectrogram: window.ts, fft-fixed.ts, filterbank.ts); then noise
// reduction, PCAN and the log over every frame (finish: noise-reduction.ts, pcan.ts, log-scale.ts). In JS: the DC
// notch filter (over the whole clip, before spectrogram), activity detection and, when it is on, the stages after
// it (it sits between the filterbank and noise reduction: frontend.ts then runs them per frame), and the int8 or
// float32 conversion of the result.
// src/frontend/frames-simd.ts writes every table the JS stages compute (window, FFT plan and twiddles, filterbank
// weights, PCAN and log tables) into this instance's memory, laid out from address 0 (the module has no static
// data), and calls configure/configurePost through src/wasm/generated/frontend.ts; this module only reads them. A
// usize is a byte address. Complex values are planar int32 (re plane, then im plane), each holding an int16 value.

const HALF: i32 = 1 << 14;

// Layout, set once by configure(); pointers are byte offsets into this instance's memory.
let window: i32; // window length in samples
let step: i32; // samples between frames
let n: i32; // complex FFT size (real size / 2)
let leafRadix: i32; // 4, or 2 when n is not a power of 4
let coefficients: usize; // window: int32 × window
let windowed: usize; // int32 × 2n, the tail past the window stays zero
let gather: usize; // int32 × n: byte offset into `windowed` of each leaf input's sample pair
let leafInput: usize; // int32 × 2n, leaf inputs grouped by position within the block (q-major)
let workRe: usize; // int32 × n
let workIm: usize; // int32 × n
let stages: usize; // per radix-4 stage, innermost first: (m, byte offset of its twiddles) as two int32
let stageCount: i32;
let superTwiddles: usize; // int32 × n/2 re, then × n/2 im
let energies: usize; // uint32 per bin 0..n
let binStart: usize; // int32 × (channels + 1)
let binCount: usize; // int32 × (channels + 1)
let weights: usize; // int32 per used bin, from startIndex: weight | unweight << 16
let startIndex: i32;
let endIndex: i32;
let channels: i32;

/**
 * Where the per-frame tables and buffers are (byte addresses) and the geometry: window and step in samples, the
 * complex FFT size n (real size / 2) and its leaf radix, the radix-4 stages, the filterbank's bins and channels.
 */
export function configure(
  windowSize: i32, stepSize: i32, complexSize: i32, radix: i32,
  coefficientsAt: usize, windowedAt: usize, gatherAt: usize, leafInputAt: usize, workAt: usize,
  stagesAt: usize, stagesCount: i32, superTwiddlesAt: usize, energiesAt: usize,
  binStartAt: usize, binCountAt: usize, weightsAt: usize, firstBin: i32, lastBin: i32, channelCount: i32,
): void {
  window = windowSize;
  step = stepSize;
  n = complexSize;
  leafRadix = radix;
  coefficients = coefficientsAt;
  windowed = windowedAt;
  gather = gatherAt;
  leafInput = leafInputAt;
  workRe = workAt;
  workIm = workAt + (<usize>n << 2);
  stages = stagesAt;
  stageCount = stagesCount;
  superTwiddles = superTwiddlesAt;
  energies = energiesAt;
  binStart = binStartAt;
  binCount = binCountAt;
  weights = weightsAt;
  startIndex = firstBin;
  endIndex = lastBin;
  channels = channelCount;
}

/** Float audio to int16 PCM: x·32768 saturated, truncated toward zero, NaN to 0 (src/frontend/pcm.ts). */
export function floatToInt16(input: usize, output: usize, count: i32): void {
  const scale = f32x4.splat(32768);
  let i = 0;
  // trunc_sat (NaN to 0) then narrow (to int16) saturate as the clamp would: no f32x4.min/max, which V8 lowers to
  // ~7 instructions each for their NaN rules (the loop ran 3.5x slower with them).
  for (; i + 8 <= count; i += 8) {
    const a = i32x4.trunc_sat_f32x4_s(f32x4.mul(v128.load(input + (<usize>i << 2)), scale));
    const b = i32x4.trunc_sat_f32x4_s(f32x4.mul(v128.load(input + (<usize>i << 2) + 16), scale));
    v128.store(output + (<usize>i << 1), i16x8.narrow_i32x4_s(a, b));
  }
  for (; i < count; i++) {
    const v = load<f32>(input + (<usize>i << 2)) * 32768;
    store<i16>(output + (<usize>i << 1), <i16><i32>(v >= <f32>32767 ? <f32>32767 : v <= <f32>-32768 ? <f32>-32768 : v));
  }
}

/** Runs `frames` frames of the int16 clip at `pcm` into `out` (uint32 × channels per frame). */
export function spectrogram(pcm: usize, frames: i32, out: usize): void {
  for (let frame = 0; frame < frames; frame++) {
    const shift = applyWindow(pcm + (<usize>(frame * step) << 1));
    if (leafRadix == 4) leaf4(shift);
    else leaf2(shift);
    for (let s = 0; s < stageCount; s++) {
      const m = load<i32>(stages + (<usize>s << 3));
      const twiddles = <usize>load<i32>(stages + (<usize>s << 3) + 4);
      if (m & 3) radix4Scalar(m, twiddles);
      else radix4(m, twiddles);
    }
    splitEnergies();
    filterbank(shift, out + (<usize>(frame * channels) << 2));
  }
}

/** Windows one frame into `windowed`; returns the FFT input shift, 15 − msb(OR of |value| & 0x7fff). */
function applyWindow(at: usize): i32 {
  let or = i32x4.splat(0);
  const mask = i32x4.splat(0x7fff);
  let i = 0;
  for (; i + 4 <= window; i += 4) {
    const value = i32x4.shr_s(i32x4.mul(v128.load16x4_s(at + (<usize>i << 1)), v128.load(coefficients + (<usize>i << 2))), 12);
    v128.store(windowed + (<usize>i << 2), value);
    // |-32768| & 0x7fff = 0: C's int16 negation of -32768 stays negative and never becomes the maximum.
    or = v128.or(or, v128.and(i32x4.abs(value), mask));
  }
  let magnitudes = i32x4.extract_lane(or, 0) | i32x4.extract_lane(or, 1) | i32x4.extract_lane(or, 2) | i32x4.extract_lane(or, 3);
  for (; i < window; i++) {
    const value = (<i32>load<i16>(at + (<usize>i << 1)) * load<i32>(coefficients + (<usize>i << 2))) >> 12;
    store<i32>(windowed + (<usize>i << 2), value);
    magnitudes |= abs(value) & 0x7fff;
  }
  return 15 - (32 - clz(magnitudes));
}

@inline function wrap16(x: i32): i32 {
  return (x << 16) >> 16;
}

@inline function wrap16x4(x: v128): v128 {
  return i32x4.shr_s(i32x4.shl(x, 16), 16);
}

/** Q15 product rounded, (a·w + 2^14) >> 15, four lanes. */
@inline function q15x4(a: v128, w: v128): v128 {
  return i32x4.shr_s(i32x4.add(i32x4.mul(a, w), i32x4.splat(HALF)), 15);
}

/** The leaf inputs: each windowed sample shifted and wrapped to int16, then C_FIXDIV by the leaf radix. */
function gatherLeafInputs(shift: i32, divisor: i32): void {
  // In place over the whole (zero-padded) window, four samples at a time; zeros stay zero.
  const d = i32x4.splat(divisor);
  const count = n << 1;
  for (let i = 0; i < count; i += 4) {
    const at = windowed + (<usize>i << 2);
    v128.store(at, q15x4(wrap16x4(i32x4.shl(v128.load(at), shift)), d));
  }
  // Complex input j is the sample pair (2j, 2j + 1): one 64-bit load, its halves to the two planes.
  const im = leafInput + (<usize>n << 2);
  for (let p = 0; p < n; p++) {
    const pair = load<u64>(windowed + <usize>load<i32>(gather + (<usize>p << 2)));
    store<i32>(leafInput + (<usize>p << 2), <i32>pair);
    store<i32>(im + (<usize>p << 2), <i32>(pair >> 32));
  }
}

/** Innermost radix-4 stage (its twiddles are all 32767 + 0i: identities), four blocks at a time. */
function leaf4(shift: i32): void {
  gatherLeafInputs(shift, 8191);
  const quarter = n >> 2;
  const plane = <usize>n << 2;
  const qBytes = <usize>quarter << 2;
  let b = 0;
  for (; b + 4 <= quarter; b += 4) {
    const at = leafInput + (<usize>b << 2);
    const a0r = v128.load(at), a1r = v128.load(at + qBytes), a2r = v128.load(at + 2 * qBytes), a3r = v128.load(at + 3 * qBytes);
    const a0i = v128.load(at + plane), a1i = v128.load(at + plane + qBytes);
    const a2i = v128.load(at + plane + 2 * qBytes), a3i = v128.load(at + plane + 3 * qBytes);
    const s5r = i32x4.sub(a0r, a2r), s5i = i32x4.sub(a0i, a2i), f0r = i32x4.add(a0r, a2r), f0i = i32x4.add(a0i, a2i);
    const s3r = i32x4.add(a1r, a3r), s3i = i32x4.add(a1i, a3i), s4r = i32x4.sub(a1r, a3r), s4i = i32x4.sub(a1i, a3i);
    // Output k of blocks b..b+3, transposed so that each block's four outputs are stored together.
    storeTransposed(workRe + (<usize>b << 4), wrap16x4(i32x4.add(f0r, s3r)), wrap16x4(i32x4.add(s5r, s4i)), wrap16x4(i32x4.sub(f0r, s3r)), wrap16x4(i32x4.sub(s5r, s4i)));
    storeTransposed(workIm + (<usize>b << 4), wrap16x4(i32x4.add(f0i, s3i)), wrap16x4(i32x4.sub(s5i, s4r)), wrap16x4(i32x4.sub(f0i, s3i)), wrap16x4(i32x4.add(s5i, s4r)));
  }
  for (; b < quarter; b++) {
    const at = leafInput + (<usize>b << 2);
    const a0r = load<i32>(at), a1r = load<i32>(at + qBytes), a2r = load<i32>(at + 2 * qBytes), a3r = load<i32>(at + 3 * qBytes);
    const a0i = load<i32>(at + plane), a1i = load<i32>(at + plane + qBytes);
    const a2i = load<i32>(at + plane + 2 * qBytes), a3i = load<i32>(at + plane + 3 * qBytes);
    const s5r = a0r - a2r, s5i = a0i - a2i, f0r = a0r + a2r, f0i = a0i + a2i;
    const s3r = a1r + a3r, s3i = a1i + a3i, s4r = a1r - a3r, s4i = a1i - a3i;
    const o = <usize>b << 4;
    store<i32>(workRe + o, wrap16(f0r + s3r));
    store<i32>(workIm + o, wrap16(f0i + s3i));
    store<i32>(workRe + o + 4, wrap16(s5r + s4i));
    store<i32>(workIm + o + 4, wrap16(s5i - s4r));
    store<i32>(workRe + o + 8, wrap16(f0r - s3r));
    store<i32>(workIm + o + 8, wrap16(f0i - s3i));
    store<i32>(workRe + o + 12, wrap16(s5r - s4i));
    store<i32>(workIm + o + 12, wrap16(s5i + s4r));
  }
}

/** Stores the 4×4 matrix with rows r0..r3 column by column: at[4j + k] = rk[j]. */
@inline function storeTransposed(at: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  v128.store(at, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
  v128.store(at + 16, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7));
  v128.store(at + 32, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5));
  v128.store(at + 48, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7));
}

/** Innermost radix-2 stage (FFT sizes that are not powers of 4). */
function leaf2(shift: i32): void {
  gatherLeafInputs(shift, 16383);
  const half = n >> 1;
  const plane = <usize>n << 2;
  const hBytes = <usize>half << 2;
  for (let b = 0; b < half; b++) {
    const at = leafInput + (<usize>b << 2);
    const ar = load<i32>(at), br = load<i32>(at + hBytes);
    const ai = load<i32>(at + plane), bi = load<i32>(at + plane + hBytes);
    const o = <usize>b << 3;
    store<i32>(workRe + o, wrap16(ar + br));
    store<i32>(workIm + o, wrap16(ai + bi));
    store<i32>(workRe + o + 4, wrap16(ar - br));
    store<i32>(workIm + o + 4, wrap16(ai - bi));
  }
}

/** One radix-4 stage over blocks of 4m, four butterflies at a time (m a multiple of 4). */
function radix4(m: i32, twiddles: usize): void {
  const fd4 = i32x4.splat(8191);
  const half = i32x4.splat(HALF);
  const span = <usize>m << 2;
  for (let base = 0; base < n; base += 4 * m) {
    for (let k = 0; k < m; k += 4) {
      const o0 = <usize>(base + k) << 2, o1 = o0 + span, o2 = o1 + span, o3 = o2 + span;
      const a0r = q15x4(v128.load(workRe + o0), fd4), a0i = q15x4(v128.load(workIm + o0), fd4);
      const a1r = q15x4(v128.load(workRe + o1), fd4), a1i = q15x4(v128.load(workIm + o1), fd4);
      const a2r = q15x4(v128.load(workRe + o2), fd4), a2i = q15x4(v128.load(workIm + o2), fd4);
      const a3r = q15x4(v128.load(workRe + o3), fd4), a3i = q15x4(v128.load(workIm + o3), fd4);
      const t = twiddles + (<usize>k << 2);
      let w = v128.load(t), v = v128.load(t + span);
      const s0r = i32x4.shr_s(i32x4.add(i32x4.sub(i32x4.mul(a1r, w), i32x4.mul(a1i, v)), half), 15);
      const s0i = i32x4.shr_s(i32x4.add(i32x4.add(i32x4.mul(a1r, v), i32x4.mul(a1i, w)), half), 15);
      w = v128.load(t + 2 * span);
      v = v128.load(t + 3 * span);
      const s1r = i32x4.shr_s(i32x4.add(i32x4.sub(i32x4.mul(a2r, w), i32x4.mul(a2i, v)), half), 15);
      const s1i = i32x4.shr_s(i32x4.add(i32x4.add(i32x4.mul(a2r, v), i32x4.mul(a2i, w)), half), 15);
      w = v128.load(t + 4 * span);
      v = v128.load(t + 5 * span);
      const s2r = i32x4.shr_s(i32x4.add(i32x4.sub(i32x4.mul(a3r, w), i32x4.mul(a3i, v)), half), 15);
      const s2i = i32x4.shr_s(i32x4.add(i32x4.add(i32x4.mul(a3r, v), i32x4.mul(a3i, w)), half), 15);
      const s5r = i32x4.sub(a0r, s1r), s5i = i32x4.sub(a0i, s1i), f0r = i32x4.add(a0r, s1r), f0i = i32x4.add(a0i, s1i);
      const s3r = i32x4.add(s0r, s2r), s3i = i32x4.add(s0i, s2i), s4r = i32x4.sub(s0r, s2r), s4i = i32x4.sub(s0i, s2i);
      v128.store(workRe + o0, wrap16x4(i32x4.add(f0r, s3r)));
      v128.store(workIm + o0, wrap16x4(i32x4.add(f0i, s3i)));
      v128.store(workRe + o1, wrap16x4(i32x4.add(s5r, s4i)));
      v128.store(workIm + o1, wrap16x4(i32x4.sub(s5i, s4r)));
      v128.store(workRe + o2, wrap16x4(i32x4.sub(f0r, s3r)));
      v128.store(workIm + o2, wrap16x4(i32x4.sub(f0i, s3i)));
      v128.store(workRe + o3, wrap16x4(i32x4.sub(s5r, s4i)));
      v128.store(workIm + o3, wrap16x4(i32x4.add(s5i, s4r)));
    }
  }
}

@inline function fd4(x: i32): i32 {
  return (x * 8191 + HALF) >> 15;
}

/** The same stage one butterfly at a time (m = 1 or 2, only in tiny FFTs). */
function radix4Scalar(m: i32, twiddles: usize): void {
  const span = <usize>m << 2;
  for (let base = 0; base < n; base += 4 * m) {
    for (let k = 0; k < m; k++) {
      const o0 = <usize>(base + k) << 2, o1 = o0 + span, o2 = o1 + span, o3 = o2 + span;
      const a0r = fd4(load<i32>(workRe + o0)), a0i = fd4(load<i32>(workIm + o0));
      const a1r = fd4(load<i32>(workRe + o1)), a1i = fd4(load<i32>(workIm + o1));
      const a2r = fd4(load<i32>(workRe + o2)), a2i = fd4(load<i32>(workIm + o2));
      const a3r = fd4(load<i32>(workRe + o3)), a3i = fd4(load<i32>(workIm + o3));
      const t = twiddles + (<usize>k << 2);
      let w = load<i32>(t), v = load<i32>(t + span);
      const s0r = (a1r * w - a1i * v + HALF) >> 15, s0i = (a1r * v + a1i * w + HALF) >> 15;
      w = load<i32>(t + 2 * span);
      v = load<i32>(t + 3 * span);
      const s1r = (a2r * w - a2i * v + HALF) >> 15, s1i = (a2r * v + a2i * w + HALF) >> 15;
      w = load<i32>(t + 4 * span);
      v = load<i32>(t + 5 * span);
      const s2r = (a3r * w - a3i * v + HALF) >> 15, s2i = (a3r * v + a3i * w + HALF) >> 15;
      const s5r = a0r - s1r, s5i = a0i - s1i, f0r = a0r + s1r, f0i = a0i + s1i;
      const s3r = s0r + s2r, s3i = s0i + s2i, s4r = s0r - s2r, s4i = s0i - s2i;
      store<i32>(workRe + o0, wrap16(f0r + s3r));
      store<i32>(workIm + o0, wrap16(f0i + s3i));
      store<i32>(workRe + o1, wrap16(s5r + s4i));
      store<i32>(workIm + o1, wrap16(s5i - s4r));
      store<i32>(workRe + o2, wrap16(f0r - s3r));
      store<i32>(workIm + o2, wrap16(f0i - s3i));
      store<i32>(workRe + o3, wrap16(s5r - s4i));
      store<i32>(workIm + o3, wrap16(s5i + s4r));
    }
  }
}

@inline function fd2(x: i32): i32 {
  return (x * 16383 + HALF) >> 15;
}

@inline function energy(re: i32, im: i32): u32 {
  return <u32>(wrap16(re) * wrap16(re) + wrap16(im) * wrap16(im));
}

@inline function energyx4(re: v128, im: v128): v128 {
  const r = wrap16x4(re);
  const i = wrap16x4(im);
  return i32x4.add(i32x4.mul(r, r), i32x4.mul(i, i));
}

@inline function reversed(x: v128): v128 {
  return v128.shuffle<i32>(x, x, 3, 2, 1, 0);
}

/** kiss_fftr's split into the real signal's spectrum, straight to the energy re² + im² (uint32) of each bin. */
function splitEnergies(): void {
  const zr = load<i32>(workRe), zi = load<i32>(workIm);
  const dcr = fd2(zr), dci = fd2(zi);
  store<u32>(energies, energy(dcr + dci, 0));
  store<u32>(energies + (<usize>n << 2), energy(dcr - dci, 0));
  const half = n >> 1;
  const tIm = superTwiddles + (<usize>half << 2);
  let k = 1;
  if ((half & 3) == 0) {
    // Bins k..k+3 and n-k-3..n-k together; at k = half both halves write bin half, the second (as in C) last.
    const d = i32x4.splat(16383);
    const roundHalf = i32x4.splat(HALF);
    for (; k <= half; k += 4) {
      const ok = <usize>k << 2;
      const onk = <usize>(n - k - 3) << 2;
      const fkr = q15x4(v128.load(workRe + ok), d);
      const fki = q15x4(v128.load(workIm + ok), d);
      const fnkr = q15x4(reversed(v128.load(workRe + onk)), d);
      const fnki = q15x4(wrap16x4(i32x4.neg(reversed(v128.load(workIm + onk)))), d);
      const f1r = i32x4.add(fkr, fnkr), f1i = i32x4.add(fki, fnki), f2r = i32x4.sub(fkr, fnkr), f2i = i32x4.sub(fki, fnki);
      const w = v128.load(superTwiddles + ok - 4), v = v128.load(tIm + ok - 4);
      const twr = wrap16x4(i32x4.shr_s(i32x4.add(i32x4.sub(i32x4.mul(f2r, w), i32x4.mul(f2i, v)), roundHalf), 15));
      const twi = wrap16x4(i32x4.shr_s(i32x4.add(i32x4.add(i32x4.mul(f2r, v), i32x4.mul(f2i, w)), roundHalf), 15));
      v128.store(energies + ok, energyx4(i32x4.shr_s(i32x4.add(f1r, twr), 1), i32x4.shr_s(i32x4.add(f1i, twi), 1)));
      v128.store(energies + onk, reversed(energyx4(i32x4.shr_s(i32x4.sub(f1r, twr), 1), i32x4.shr_s(i32x4.sub(twi, f1i), 1))));
    }
    return;
  }
  for (; k <= half; k++) {
    const ok = <usize>k << 2;
    const onk = <usize>(n - k) << 2;
    const fkr = fd2(load<i32>(workRe + ok));
    const fki = fd2(load<i32>(workIm + ok));
    const fnkr = fd2(load<i32>(workRe + onk));
    // The conjugate is stored as int16 before scaling (-(-32768) wraps).
    const fnki = fd2(wrap16(-load<i32>(workIm + onk)));
    const f1r = fkr + fnkr, f1i = fki + fnki, f2r = fkr - fnkr, f2i = fki - fnki;
    const w = load<i32>(superTwiddles + ok - 4), v = load<i32>(tIm + ok - 4);
    const twr = wrap16((f2r * w - f2i * v + HALF) >> 15);
    const twi = wrap16((f2r * v + f2i * w + HALF) >> 15);
    store<u32>(energies + ok, energy((f1r + twr) >> 1, (f1i + twi) >> 1));
    store<u32>(energies + onk, energy((f1r - twr) >> 1, (twi - f1i) >> 1));
  }
}

/** Each channel: weighted energies plus the previous channel's unweighted ones, rounded square root >> shift. */
function filterbank(shift: i32, out: usize): void {
  // Sums stay below 2^53 (energies < 2^31, 12-bit weights): exact in float64.
  let carry: f64 = 0;
  for (let chan = 0; chan <= channels; chan++) {
    let weighted = carry;
    let unweighted: f64 = 0;
    const first = load<i32>(binStart + (<usize>chan << 2));
    const last = first + load<i32>(binCount + (<usize>chan << 2));
    for (let bin = first; bin < last; bin++) {
      const e = <f64>load<u32>(energies + (<usize>bin << 2));
      const packed = load<i32>(weights + (<usize>(bin - startIndex) << 2));
      weighted += <f64>(packed & 0xffff) * e;
      unweighted += <f64>(<u32>packed >> 16) * e;
    }
    if (chan > 0) store<u32>(out + (<usize>(chan - 1) << 2), roundedSqrt(weighted) >> shift);
    carry = unweighted;
  }
}

/** Rounded integer square root as src/frontend/sqrt.ts (the reference's Sqrt32/Sqrt64, caps included). */
function roundedSqrt(num: f64): u32 {
  let root = Math.floor(Math.sqrt(num));
  if (num >= 4503599627370496) {
    while (root * root > num) root--;
    while ((root + 1) * (root + 1) <= num) root++;
  }
  if (num - root * root > root && (num < 4294967296 ? root != 0xffff : root != 0xffffffff)) root++;
  return <u32>root;
}

// ---- The stages after the filterbank (noise_reduction.c, pcan_gain_control.c, log_scale.c), for clips without
// activity detection (which sits between the filterbank and noise reduction, and stays in JS).

let noiseOn: bool;
let smoothingBits: i32;
let evenSmoothing: u32; // Q14
let oddSmoothing: u32; // Q14
let minRemaining: u32; // Q14
let estimates: usize; // uint32 × channels
let pcanOn: bool;
let pcanLut: usize; // int16 gain table (pcan.ts pcanGainTable)
let snrShift: i32;
let logOn: bool;
let logShift: i32;
let correction: i32;
let logLut: usize; // int32 × 130 (log-scale.ts LOG_LUT)

/**
 * The stages finish() runs: noise reduction (on or off; its smoothing bits, even/odd smoothing and minimum
 * remaining signal in Q14; its per-channel estimates), PCAN (on or off; its gain table, SNR shift) and the log
 * (on or off; its scale shift, the correction shift applied before it; its table).
 */
export function configurePost(
  noise: bool, bits: i32, even: u32, odd: u32, remaining: u32, estimatesAt: usize,
  pcan: bool, lutAt: usize, shiftSnr: i32, log: bool, shiftLog: i32, correctionBits: i32, logLutAt: usize,
): void {
  noiseOn = noise;
  smoothingBits = bits;
  evenSmoothing = even;
  oddSmoothing = odd;
  minRemaining = remaining;
  estimates = estimatesAt;
  pcanOn = pcan;
  pcanLut = lutAt;
  snrShift = shiftSnr;
  logOn = log;
  logShift = shiftLog;
  correction = correctionBits;
  logLut = logLutAt;
}

/** Noise reduction, PCAN and the log over every frame of `signal` (uint32), into `out` (uint16), from a reset state. */
export function finish(signal: usize, frames: i32, out: usize): void {
  memory.fill(estimates, 0, <usize>channels << 2);
  for (let frame = 0; frame < frames; frame++) {
    const row = signal + (<usize>(frame * channels) << 2);
    if (noiseOn) {
      reduceNoise(row);
      if (pcanOn) gainControl(row);
    }
    logScale(row, out + (<usize>(frame * channels) << 1));
  }
}

function reduceNoise(row: usize): void {
  const one: u64 = 1 << 14;
  for (let i = 0; i < channels; i++) {
    const smoothing = <u64>((i & 1) == 0 ? evenSmoothing : oddSmoothing);
    const at = estimates + (<usize>i << 2);
    const value = load<u32>(row + (<usize>i << 2));
    const scaledUp = value << smoothingBits; // uint32 shift: wraps like the C code
    let estimate = <u32>((<u64>scaledUp * smoothing + <u64>load<u32>(at) * (one - smoothing)) >> 14);
    store<u32>(at, estimate);
    if (estimate > scaledUp) estimate = scaledUp;
    const floor = <u32>((<u64>value * <u64>minRemaining) >> 14);
    const subtracted = (scaledUp - estimate) >> smoothingBits;
    store<u32>(row + (<usize>i << 2), subtracted > floor ? subtracted : floor);
  }
}

/** WideDynamicFunction: the gain for noise estimate x, interpolated within x's octave; an int16. */
function wideDynamicGain(x: u32): i32 {
  if (x <= 2) return load<i16>(pcanLut + (<usize>x << 1));
  const interval = 32 - <i32>clz(x);
  const at = pcanLut + (<usize>(4 * interval - 6) << 1);
  const frac = <i32>((interval < 11 ? x << (11 - interval) : x >> (interval - 11)) & 0x3ff);
  let result = (<i32>load<i16>(at + 4) * frac) >> 5;
  result += <i32>load<i16>(at + 2) << 5;
  result *= frac;
  result = (result + (1 << 14)) >> 15;
  result += <i32>load<i16>(at);
  return (result << 16) >> 16;
}

function gainControl(row: usize): void {
  for (let i = 0; i < channels; i++) {
    const gain = wideDynamicGain(load<u32>(estimates + (<usize>i << 2)));
    // A negative int16 gain is a huge uint32 in C; the 64-bit product keeps it exact.
    const snr = <u32>((<u64>load<u32>(row + (<usize>i << 2)) * <u64>(<u32>gain)) >> snrShift);
    // PcanShrink: quadratic below 2 (Q12), linear minus 1 above, output in Q6.
    store<u32>(row + (<usize>i << 2), snr < (2 << 12) ? (snr * snr) >> 20 : (snr >> 6) - 64);
  }
}

function fixedLog(x: u32): u32 {
  const integer = 31 - <i32>clz(x);
  let frac = <i32>(x ^ (<u32>1 << integer));
  if (integer < 16) frac <<= 16 - integer;
  else frac >>= integer - 16;
  const segment = frac >> 9;
  const c0 = load<i32>(logLut + (<usize>segment << 2));
  const c1 = load<i32>(logLut + (<usize>(segment + 1) << 2));
  const relative = ((c1 - c0) * (frac - (segment << 9))) >> 16;
  const log2 = <i64>(integer * 65536 + frac + c0 + relative);
  const loge = <u32>((45426 * log2 + 32768) >> 16);
  return ((loge << logShift) + 32768) >> 16;
}

function logScale(row: usize, out: usize): void {
  for (let i = 0; i < channels; i++) {
    let value = load<u32>(row + (<usize>i << 2));
    if (logOn) {
      value = correction < 0 ? value >> -correction : value << correction;
      value = value > 1 ? fixedLog(value) : 0;
    }
    store<u16>(out + (<usize>i << 1), value < 0xffff ? value : 0xffff);
  }
}
