// Real FFT power spectrum in f64x2 SIMD (float64, for the float frontends: logmel.ts). As in _fft.ts (its float32
// sibling), a real transform of n points is one complex transform of m = n/2 points of the samples read as pairs
// (x[2j] + i·x[2j+1]) plus a split step; the complex transform is a radix-4 Stockham FFT on split re/im arrays
// (natural order in and out, no bit reversal). One size per instance (fft64Plan()).
import { ensure } from './_heap';

/** Complex points m = n/2: a power of two >= 8. */
let size: i32 = 0;
// w^p, w^2p, w^3p (w = e^(-2πi/m)) for p < m/4, each as re then im: 6 arrays of m/4 doubles. A later stage of
// stride s reads entry p·s (w_(m/s)^p = w^(p·s)).
let twiddles: usize = 0;
// cos and sin of 2πk/n for k < m: the split step's twiddles.
let splitCos: usize = 0;
let splitSin: usize = 0;
// Two split-complex buffers of m + 2 doubles each (entry m is the wrap-around copy of entry 0 the split step reads).
let bufRe: usize = 0;
let bufIm: usize = 0;
let tmpRe: usize = 0;
let tmpIm: usize = 0;

/** Bytes of a double array of m + 2 entries. */
function halfBytes(): usize {
  return (<usize>size + 2) << 3;
}

/** Lays out the tables and scratch of an n-point real FFT from `base` (16-byte aligned); returns the next free byte. */
export function fft64Plan(n: i32, base: usize): usize {
  size = n >> 1;
  const m = size;
  const quarter = <usize>(m >> 2) << 3;
  twiddles = base;
  splitCos = twiddles + 6 * quarter;
  splitSin = splitCos + (<usize>m << 3);
  bufRe = splitSin + (<usize>m << 3);
  bufIm = bufRe + halfBytes();
  tmpRe = bufIm + halfBytes();
  tmpIm = tmpRe + halfBytes();
  const end = tmpIm + halfBytes();
  ensure(end);
  for (let k = 1; k <= 3; k++) {
    const re = twiddles + <usize>(2 * (k - 1)) * quarter;
    const im = re + quarter;
    for (let p = 0; p < m >> 2; p++) {
      const angle = (-2 * Math.PI * <f64>(k * p)) / <f64>m;
      store<f64>(re + (<usize>p << 3), Math.cos(angle));
      store<f64>(im + (<usize>p << 3), Math.sin(angle));
    }
  }
  for (let k = 0; k < m; k++) {
    const angle = (2 * Math.PI * <f64>k) / <f64>n;
    store<f64>(splitCos + (<usize>k << 3), Math.cos(angle));
    store<f64>(splitSin + (<usize>k << 3), Math.sin(angle));
  }
  return end;
}

// @ts-ignore: decorator
@inline function mulRe(ar: v128, ai: v128, br: v128, bi: v128): v128 {
  return f64x2.sub(f64x2.mul(ar, br), f64x2.mul(ai, bi));
}

// @ts-ignore: decorator
@inline function mulIm(ar: v128, ai: v128, br: v128, bi: v128): v128 {
  return f64x2.add(f64x2.mul(ar, bi), f64x2.mul(ai, br));
}

/** Stores rows a, b, c, d (lanes l = 0, 1) as a[0], b[0], c[0], d[0], a[1], b[1], c[1], d[1]: a 2×4 transpose. */
// @ts-ignore: decorator
@inline function storeTransposed(dst: usize, a: v128, b: v128, c: v128, d: v128): void {
  v128.store(dst, f64x2.shuffle(a, b, 0, 2));
  v128.store(dst, f64x2.shuffle(c, d, 0, 2), 16);
  v128.store(dst, f64x2.shuffle(a, b, 1, 3), 32);
  v128.store(dst, f64x2.shuffle(c, d, 1, 3), 48);
}

/**
 * The first radix-4 stage (stride 1, length m): butterflies p and p + 1 are the vector lanes, each with its own
 * twiddles; outputs 4p..4p+3 of the two lanes are adjacent, hence the transpose.
 */
function firstStage(xr: usize, xi: usize, yr: usize, yi: usize): void {
  const quarter = <usize>(size >> 2) << 3;
  for (let o: usize = 0; o < quarter; o += 16) {
    const ar = v128.load(xr + o);
    const ai = v128.load(xi + o);
    const br = v128.load(xr + o + quarter);
    const bi = v128.load(xi + o + quarter);
    const cr = v128.load(xr + o + 2 * quarter);
    const ci = v128.load(xi + o + 2 * quarter);
    const dr = v128.load(xr + o + 3 * quarter);
    const di = v128.load(xi + o + 3 * quarter);
    const apcR = f64x2.add(ar, cr);
    const apcI = f64x2.add(ai, ci);
    const amcR = f64x2.sub(ar, cr);
    const amcI = f64x2.sub(ai, ci);
    const bpdR = f64x2.add(br, dr);
    const bpdI = f64x2.add(bi, di);
    const bmdR = f64x2.sub(br, dr);
    const bmdI = f64x2.sub(bi, di);
    // (a − c) ∓ i·(b − d), and (a + c) − (b + d).
    const u1r = f64x2.add(amcR, bmdI);
    const u1i = f64x2.sub(amcI, bmdR);
    const u2r = f64x2.sub(apcR, bpdR);
    const u2i = f64x2.sub(apcI, bpdI);
    const u3r = f64x2.sub(amcR, bmdI);
    const u3i = f64x2.add(amcI, bmdR);
    const w = twiddles + o;
    const w1r = v128.load(w);
    const w1i = v128.load(w + quarter);
    const w2r = v128.load(w + 2 * quarter);
    const w2i = v128.load(w + 3 * quarter);
    const w3r = v128.load(w + 4 * quarter);
    const w3i = v128.load(w + 5 * quarter);
    storeTransposed(
      yr + 4 * o,
      f64x2.add(apcR, bpdR),
      mulRe(u1r, u1i, w1r, w1i),
      mulRe(u2r, u2i, w2r, w2i),
      mulRe(u3r, u3i, w3r, w3i),
    );
    storeTransposed(
      yi + 4 * o,
      f64x2.add(apcI, bpdI),
      mulIm(u1r, u1i, w1r, w1i),
      mulIm(u2r, u2i, w2r, w2i),
      mulIm(u3r, u3i, w3r, w3i),
    );
  }
}

/**
 * A radix-4 stage of stride s >= 4 (length m/s): input x[q + s(p + k·len/4)], output y[q + s(4p + k)]; the lanes
 * are 2 consecutive q, which share their twiddles.
 */
function stage(xr: usize, xi: usize, yr: usize, yi: usize, s: i32): void {
  const sb = <usize>s << 3;
  const quarters = size / (4 * s);
  const qb = <usize>quarters * sb;
  const tq = <usize>(size >> 2) << 3;
  for (let p = 0; p < quarters; p++) {
    const src = <usize>p * sb;
    const dst = src << 2;
    const t = twiddles + ((<usize>p * <usize>s) << 3);
    const w1r = v128.load64_splat(t);
    const w1i = v128.load64_splat(t + tq);
    const w2r = v128.load64_splat(t + 2 * tq);
    const w2i = v128.load64_splat(t + 3 * tq);
    const w3r = v128.load64_splat(t + 4 * tq);
    const w3i = v128.load64_splat(t + 5 * tq);
    for (let o: usize = 0; o < sb; o += 16) {
      const x0 = src + o;
      const ar = v128.load(xr + x0);
      const ai = v128.load(xi + x0);
      const br = v128.load(xr + x0 + qb);
      const bi = v128.load(xi + x0 + qb);
      const cr = v128.load(xr + x0 + 2 * qb);
      const ci = v128.load(xi + x0 + 2 * qb);
      const dr = v128.load(xr + x0 + 3 * qb);
      const di = v128.load(xi + x0 + 3 * qb);
      const apcR = f64x2.add(ar, cr);
      const apcI = f64x2.add(ai, ci);
      const amcR = f64x2.sub(ar, cr);
      const amcI = f64x2.sub(ai, ci);
      const bpdR = f64x2.add(br, dr);
      const bpdI = f64x2.add(bi, di);
      const bmdR = f64x2.sub(br, dr);
      const bmdI = f64x2.sub(bi, di);
      const u1r = f64x2.add(amcR, bmdI);
      const u1i = f64x2.sub(amcI, bmdR);
      const u2r = f64x2.sub(apcR, bpdR);
      const u2i = f64x2.sub(apcI, bpdI);
      const u3r = f64x2.sub(amcR, bmdI);
      const u3i = f64x2.add(amcI, bmdR);
      const y0 = dst + o;
      v128.store(yr + y0, f64x2.add(apcR, bpdR));
      v128.store(yi + y0, f64x2.add(apcI, bpdI));
      if (p == 0) {
        // w^0 = 1 (the whole of the last radix-4 stage).
        v128.store(yr + y0 + sb, u1r);
        v128.store(yi + y0 + sb, u1i);
        v128.store(yr + y0 + 2 * sb, u2r);
        v128.store(yi + y0 + 2 * sb, u2i);
        v128.store(yr + y0 + 3 * sb, u3r);
        v128.store(yi + y0 + 3 * sb, u3i);
      } else {
        v128.store(yr + y0 + sb, mulRe(u1r, u1i, w1r, w1i));
        v128.store(yi + y0 + sb, mulIm(u1r, u1i, w1r, w1i));
        v128.store(yr + y0 + 2 * sb, mulRe(u2r, u2i, w2r, w2i));
        v128.store(yi + y0 + 2 * sb, mulIm(u2r, u2i, w2r, w2i));
        v128.store(yr + y0 + 3 * sb, mulRe(u3r, u3i, w3r, w3i));
        v128.store(yi + y0 + 3 * sb, mulIm(u3r, u3i, w3r, w3i));
      }
    }
  }
}

/** The last stage when log4(m) is not whole: radix 2, stride m/2, twiddle 1. */
function lastRadix2(xr: usize, xi: usize, yr: usize, yi: usize): void {
  const half = <usize>(size >> 1) << 3;
  for (let o: usize = 0; o < half; o += 16) {
    const ar = v128.load(xr + o);
    const ai = v128.load(xi + o);
    const br = v128.load(xr + o + half);
    const bi = v128.load(xi + o + half);
    v128.store(yr + o, f64x2.add(ar, br));
    v128.store(yi + o, f64x2.add(ai, bi));
    v128.store(yr + o + half, f64x2.sub(ar, br));
    v128.store(yi + o + half, f64x2.sub(ai, bi));
  }
}

/** Forward complex DFT of (xr, xi), ping-ponging with (yr, yi); true when the result ended in y. */
function complexForward(xr: usize, xi: usize, yr: usize, yi: usize): bool {
  firstStage(xr, xi, yr, yi);
  let inY = true;
  let s = 4;
  for (; size / s >= 4; s *= 4) {
    if (inY) stage(yr, yi, xr, xi, s);
    else stage(xr, xi, yr, yi, s);
    inY = !inY;
  }
  if (size / s == 2) {
    if (inY) lastRadix2(yr, yi, xr, xi);
    else lastRadix2(xr, xi, yr, yi);
    inY = !inY;
  }
  return inY;
}

/**
 * |rfft|² of the n float32 samples at `src` weighted by the float64 `window` (pass w/2 for w: the split step's ½ is
 * folded in): writes bins 0..m to `power` (m + 1 doubles, +1 of room).
 */
export function powerSpectrum(src: usize, window: usize, power: usize): void {
  const m = size;
  const n4 = <usize>m << 3; // bytes of the n float32 input samples
  // Deinterleave the windowed samples into z = x[2j] + i·x[2j+1], two pairs (four samples) at a time.
  for (let o: usize = 0; o < n4; o += 16) {
    const x = v128.load(src + o);
    const v0 = f64x2.mul(f64x2.promote_low_f32x4(x), v128.load(window + 2 * o));
    const v1 = f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1)), v128.load(window + 2 * o + 16));
    v128.store(bufRe + o, f64x2.shuffle(v0, v1, 0, 2));
    v128.store(bufIm + o, f64x2.shuffle(v0, v1, 1, 3));
  }
  const inTmp = complexForward(bufRe, bufIm, tmpRe, tmpIm);
  const zr = inTmp ? tmpRe : bufRe;
  const zi = inTmp ? tmpIm : bufIm;
  const mb = <usize>m << 3;
  store<f64>(zr + mb, load<f64>(zr));
  store<f64>(zi + mb, load<f64>(zi));
  // X[k] = E[k] + e^(-2πik/n)·O[k], E = (Z[k] + conj Z[m−k])/2, O = (Z[k] − conj Z[m−k])/2i (the ½ is in the window).
  for (let o: usize = 0; o < mb; o += 16) {
    const ar = v128.load(zr + o);
    const ai = v128.load(zi + o);
    const rb = v128.load(zr + mb - o - 8);
    const ib = v128.load(zi + mb - o - 8);
    const br = f64x2.shuffle(rb, rb, 1, 0);
    const bi = f64x2.neg(f64x2.shuffle(ib, ib, 1, 0));
    const er = f64x2.add(ar, br);
    const ei = f64x2.add(ai, bi);
    const or = f64x2.sub(ai, bi);
    const oi = f64x2.sub(br, ar);
    const c = v128.load(splitCos + o);
    const s = v128.load(splitSin + o);
    const xr = f64x2.add(er, f64x2.add(f64x2.mul(or, c), f64x2.mul(oi, s)));
    const xi = f64x2.add(ei, f64x2.sub(f64x2.mul(oi, c), f64x2.mul(or, s)));
    v128.store(power + o, f64x2.add(f64x2.mul(xr, xr), f64x2.mul(xi, xi)));
  }
  const nyquist = 2 * (load<f64>(zr) - load<f64>(zi));
  store<f64>(power + mb, nyquist * nyquist);
}
