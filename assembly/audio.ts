// Per-clip audio kernels in WebAssembly SIMD, bit-exact with the plain JS loops they replace (the tests hold them to
// those): int16 PCM to float (WAV decoding), librosa trim's per-hop sums of squares, and the loudness gain and noise
// mixing of a sample. src/audio/kernels.ts lays out the memory, from address 0 (the module has no static data),
// copies each call's input in and its result out, and calls these through src/wasm/generated/audio.ts. A usize is a
// byte address.

/** int16 samples to float32 · 2^-15 (exact in float32: scipy's int16 / 32768). */
export function int16ToFloat(input: usize, output: usize, count: i32): void {
  const scale = f32x4.splat(1.0 / 32768.0);
  let i = 0;
  for (; i + 8 <= count; i += 8) {
    const v = v128.load(input + (<usize>i << 1));
    const at = output + (<usize>i << 2);
    v128.store(at, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(v)), scale));
    v128.store(at + 16, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(v)), scale));
  }
  for (; i < count; i++) store<f32>(output + (<usize>i << 2), <f32>load<i16>(input + (<usize>i << 1)) * (1.0 / 32768.0));
}

/**
 * float32 sums of squares over `count` hops of 512 samples of `padded` (the clip with 1024 zeros before it and
 * enough after), each in numpy's pairwise order: four 128-sample leaves of 8 strided accumulators each.
 */
export function hopSums(padded: usize, count: i32, output: usize): void {
  for (let h = 0; h < count; h++) {
    const at = padded + (<usize>(h * 512) << 2);
    const b0 = leafSum(at), b1 = leafSum(at + 512), b2 = leafSum(at + 1024), b3 = leafSum(at + 1536);
    store<f32>(output + (<usize>h << 2), (b0 + b1) + (b2 + b3));
  }
}

/** numpy's pairwise leaf over 128 floats: accumulators r0..r3 and r4..r7 as two vectors, every step in float32. */
@inline function leafSum(at: usize): f32 {
  let a = v128.load(at);
  let b = v128.load(at + 16);
  a = f32x4.mul(a, a);
  b = f32x4.mul(b, b);
  for (let i: usize = 32; i < 512; i += 32) {
    const x = v128.load(at + i);
    const y = v128.load(at + i + 16);
    a = f32x4.add(a, f32x4.mul(x, x));
    b = f32x4.add(b, f32x4.mul(y, y));
  }
  const r01 = f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1);
  const r23 = f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3);
  const r45 = f32x4.extract_lane(b, 0) + f32x4.extract_lane(b, 1);
  const r67 = f32x4.extract_lane(b, 2) + f32x4.extract_lane(b, 3);
  return (r01 + r23) + (r45 + r67);
}

/** x[i] = float32(x[i] · gain), the product in float64 as JS computes it. */
export function scale(x: usize, count: i32, gain: f64): void {
  const g = f64x2.splat(gain);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = x + (<usize>i << 2);
    const v = v128.load(at);
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), g));
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1)), g));
    v128.store(at, v128.shuffle<i32>(lo, hi, 0, 1, 4, 5));
  }
  for (; i < count; i++) store<f32>(x + (<usize>i << 2), <f32>(<f64>load<f32>(x + (<usize>i << 2)) * gain));
}

/** x[i] = float32(x[i] + gain · y[i]), in float64 as JS computes it. */
export function addScaled(x: usize, y: usize, count: i32, gain: f64): void {
  const g = f64x2.splat(gain);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = x + (<usize>i << 2);
    const v = v128.load(at);
    const w = v128.load(y + (<usize>i << 2));
    const lo = f64x2.add(f64x2.promote_low_f32x4(v), f64x2.mul(f64x2.promote_low_f32x4(w), g));
    const hi = f64x2.add(
      f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1)),
      f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(w, w, 2, 3, 0, 1)), g),
    );
    v128.store(at, v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < count; i++) {
    const at = x + (<usize>i << 2);
    store<f32>(at, <f32>(<f64>load<f32>(at) + gain * <f64>load<f32>(y + (<usize>i << 2))));
  }
}
