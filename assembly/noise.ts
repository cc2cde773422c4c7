// Standard normal float32 values in SIMD: four xoshiro128** streams (one per lane) seeded from a 128-bit key, and
// the Box–Muller transform with polynomial log, sin and cos. Eight values per step, no branches, no tables.
// src/augment/colored-noise.ts draws from it (its key from the sample's stream) and shapes the spectrum in JS; it
// has no JS twin: the tests check the values' distribution. A usize is a byte address.
export { heapBase } from './_heap';

const GOLDEN: u32 = 0x9e3779b9;
// 2^-24, and the angle step (π/2)/2^24.
const ULP24: f32 = <f32>(1.0 / 16777216);
const ANGLE_STEP: f32 = <f32>(Math.PI / 2 / 16777216);

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function mix(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >>> 16);
}

// @ts-ignore: decorator
@inline function rotl(v: v128, k: i32): v128 {
  return v128.or(i32x4.shl(v, k), i32x4.shr_u(v, 32 - k));
}

/** ln x for x in [2^-24, 1], lanewise (Cephes logf: x = m·2^e with m in [√½, √2), a degree-9 polynomial in m − 1). */
// @ts-ignore: decorator
@inline function ln(x: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  const m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // in [0.5, 1)
  const small = f32x4.lt(m, f32x4.splat(0.70710677));
  e = i32x4.add(e, small); // −1 where m < √½ (m doubled below)
  const y = f32x4.add(f32x4.sub(m, f32x4.splat(1)), v128.and(m, small));
  const z = f32x4.mul(y, y);
  let p = f32x4.splat(7.0376836292e-2);
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(-1.151461031e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(1.167699874e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(-1.2420140846e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(1.4249322787e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(-1.6668057665e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(2.0000714765e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(-2.4999993993e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(3.3333331174e-1));
  const ef = f32x4.convert_i32x4_s(e);
  let r = f32x4.mul(f32x4.mul(p, y), z);
  r = f32x4.add(r, f32x4.mul(ef, f32x4.splat(-2.12194440e-4)));
  r = f32x4.sub(r, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(y, r), f32x4.mul(ef, f32x4.splat(0.693359375)));
}

/**
 * Writes `count` (a multiple of 8) standard normal values to `out`, from the stream keyed by k0..k3. The same key
 * gives the same values on every machine: integer ops and IEEE float ops only.
 */
export function gaussian(out: usize, count: i32, k0: u32, k1: u32, k2: u32, k3: u32): void {
  let s0 = seedVector(k0, 0);
  let s1 = seedVector(k1, 1);
  let s2 = seedVector(k2, 2);
  let s3 = seedVector(k3, 3);
  const end = out + (<usize>count << 2);
  for (let p = out; p < end; p += 32) {
    // Two xoshiro128** outputs per lane.
    const u = i32x4.mul(rotl(i32x4.mul(s1, i32x4.splat(5)), 7), i32x4.splat(9));
    let t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = rotl(s3, 11);
    const v = i32x4.mul(rotl(i32x4.mul(s1, i32x4.splat(5)), 7), i32x4.splat(9));
    t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = rotl(s3, 11);
    // Radius sqrt(−2 ln u1), u1 uniform in (0, 1] from the top 24 bits of u. (Bit fields below 2^31 convert as
    // signed: one instruction, where the unsigned conversion takes several.)
    const u1 = f32x4.mul(f32x4.add(f32x4.convert_i32x4_s(i32x4.shr_u(u, 8)), f32x4.splat(1)), f32x4.splat(ULP24));
    const radius = f32x4.sqrt(f32x4.mul(ln(u1), f32x4.splat(-2)));
    // Angle: a quadrant from v's top 2 bits plus θ uniform in (−π/4, π/4) from its next 24.
    const quadrant = i32x4.shr_u(v, 30);
    const frac = f32x4.convert_i32x4_s(v128.and(i32x4.shr_u(v, 6), i32x4.splat(0xffffff)));
    const theta = f32x4.mul(f32x4.add(frac, f32x4.splat(0.5 - 8388608)), f32x4.splat(ANGLE_STEP)); // (frac + ½ − 2^23)·(π/2)/2^24
    const z = f32x4.mul(theta, theta);
    // Cephes sinf / cosf polynomials on [−π/4, π/4].
    let sin = f32x4.add(f32x4.mul(f32x4.splat(-1.9515295891e-4), z), f32x4.splat(8.3321608736e-3));
    sin = f32x4.add(f32x4.mul(sin, z), f32x4.splat(-1.6666654611e-1));
    sin = f32x4.add(theta, f32x4.mul(f32x4.mul(sin, z), theta));
    let cos = f32x4.add(f32x4.mul(f32x4.splat(2.443315711809948e-5), z), f32x4.splat(-1.388731625493765e-3));
    cos = f32x4.add(f32x4.mul(cos, z), f32x4.splat(4.166664568298827e-2));
    cos = f32x4.add(f32x4.sub(f32x4.splat(1), f32x4.mul(z, f32x4.splat(0.5))), f32x4.mul(f32x4.mul(cos, z), z));
    // Rotate by the quadrant: (c, s), (−s, c), (−c, −s), (s, −c).
    const odd = i32x4.eq(v128.and(quadrant, i32x4.splat(1)), i32x4.splat(1));
    const x = v128.bitselect(sin, cos, odd);
    const y = v128.bitselect(cos, sin, odd);
    const xSign = i32x4.shl(v128.and(i32x4.shr_u(i32x4.add(quadrant, i32x4.splat(1)), 1), i32x4.splat(1)), 31);
    const ySign = i32x4.shl(i32x4.shr_u(quadrant, 1), 31);
    v128.store(p, f32x4.mul(radius, v128.xor(x, xSign)));
    v128.store(p, f32x4.mul(radius, v128.xor(y, ySign)), 16);
  }
}

/** State word j of lanes 0..3: mix(key ^ a constant per (lane, j)); an all-zero state (xoshiro's one bad one) has odds 2^-128. */
function seedVector(key: u32, j: u32): v128 {
  let v = i32x4.splat(mix(key ^ (GOLDEN * (j + 1))));
  v = i32x4.replace_lane(v, 1, mix(key ^ (GOLDEN * (j + 5))));
  v = i32x4.replace_lane(v, 2, mix(key ^ (GOLDEN * (j + 9))));
  return i32x4.replace_lane(v, 3, mix(key ^ (GOLDEN * (j + 13))));
}
