// Real FFT in f32x4 SIMD for modules that transform audio frames (vocoder.ts). A real transform of n points is one
// complex transform of m = n/2 points of the samples read as pairs (x[2j] + i·x[2j+1]) plus a split step; the
// complex transform is a radix-4 Stockham FFT on split re/im arrays (natural order in and out, no bit reversal).
// Unnormalised, like numpy's rfft; the inverse computes n·irfft. One size per instance (fftPlan()).
import { ensure } from './_heap';

/** Complex points m = n/2: a power of two >= 16. */
let size: i32 = 0;
// w^p, w^2p, w^3p (w = e^(-2πi/m)) for p < m/4, each as re then im: 6 arrays of m/4 floats. A later stage of
// stride s reads entry p·s (w_(m/s)^p = w^(p·s)).
let twiddles: usize = 0;
// cos and sin of 2πk/n for k < m: the split step's twiddles.
let splitCos: usize = 0;
let splitSin: usize = 0;
// Scratch for the complex transform: two split-complex buffers of m + 4 floats each (entry m is the wrap-around
// copy of entry 0 the split step reads).
let bufRe: usize = 0;
let bufIm: usize = 0;
let tmpRe: usize = 0;
let tmpIm: usize = 0;
/** Where the last inverseReal() left its result. */
let resultInTmp = false;

/** Bytes of a float array of m + 4 entries (room for the split steps' entry m and whole vectors). */
export function halfBytes(): usize {
  return (<usize>size + 4) << 2;
}

/** Lays out the tables and scratch of an n-point real FFT from `base` (16-byte aligned); returns the next free byte. */
export function fftPlan(n: i32, base: usize): usize {
  size = n >> 1;
  const m = size;
  const quarter = <usize>(m >> 2) << 2;
  twiddles = base;
  splitCos = twiddles + 6 * quarter;
  splitSin = splitCos + (<usize>m << 2);
  bufRe = splitSin + (<usize>m << 2);
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
      store<f32>(re + (<usize>p << 2), <f32>Math.cos(angle));
      store<f32>(im + (<usize>p << 2), <f32>Math.sin(angle));
    }
  }
  for (let k = 0; k < m; k++) {
    const angle = (2 * Math.PI * <f64>k) / <f64>n;
    store<f32>(splitCos + (<usize>k << 2), <f32>Math.cos(angle));
    store<f32>(splitSin + (<usize>k << 2), <f32>Math.sin(angle));
  }
  return end;
}

// @ts-ignore: decorator
@inline function mulRe(ar: v128, ai: v128, br: v128, bi: v128): v128 {
  return f32x4.sub(f32x4.mul(ar, br), f32x4.mul(ai, bi));
}

// @ts-ignore: decorator
@inline function mulIm(ar: v128, ai: v128, br: v128, bi: v128): v128 {
  return f32x4.add(f32x4.mul(ar, bi), f32x4.mul(ai, br));
}

// @ts-ignore: decorator
@inline function reversed(v: v128): v128 {
  return f32x4.shuffle(v, v, 3, 2, 1, 0);
}

/** Stores rows a, b, c, d (lanes l) as the 16 floats a[l], b[l], c[l], d[l] for l = 0..3: a 4×4 transpose. */
// @ts-ignore: decorator
@inline function storeTransposed(dst: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = f32x4.shuffle(a, b, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(c, d, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst, f32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
  v128.store(dst, f32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
  v128.store(dst, f32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
}

/**
 * The first radix-4 stage (stride 1, length m): butterflies p..p+3 are the vector lanes, each with its own
 * twiddles; outputs 4p..4p+3 of the four lanes are adjacent, hence the transpose.
 */
function firstStage(xr: usize, xi: usize, yr: usize, yi: usize): void {
  const quarter = <usize>(size >> 2) << 2;
  for (let o: usize = 0; o < quarter; o += 16) {
    const ar = v128.load(xr + o);
    const ai = v128.load(xi + o);
    const br = v128.load(xr + o + quarter);
    const bi = v128.load(xi + o + quarter);
    const cr = v128.load(xr + o + 2 * quarter);
    const ci = v128.load(xi + o + 2 * quarter);
    const dr = v128.load(xr + o + 3 * quarter);
    const di = v128.load(xi + o + 3 * quarter);
    const apcR = f32x4.add(ar, cr);
    const apcI = f32x4.add(ai, ci);
    const amcR = f32x4.sub(ar, cr);
    const amcI = f32x4.sub(ai, ci);
    const bpdR = f32x4.add(br, dr);
    const bpdI = f32x4.add(bi, di);
    const bmdR = f32x4.sub(br, dr);
    const bmdI = f32x4.sub(bi, di);
    // (a − c) ∓ i·(b − d), and (a + c) − (b + d).
    const u1r = f32x4.add(amcR, bmdI);
    const u1i = f32x4.sub(amcI, bmdR);
    const u2r = f32x4.sub(apcR, bpdR);
    const u2i = f32x4.sub(apcI, bpdI);
    const u3r = f32x4.sub(amcR, bmdI);
    const u3i = f32x4.add(amcI, bmdR);
    const w = twiddles + o;
    const w1r = v128.load(w);
    const w1i = v128.load(w + quarter);
    const w2r = v128.load(w + 2 * quarter);
    const w2i = v128.load(w + 3 * quarter);
    const w3r = v128.load(w + 4 * quarter);
    const w3i = v128.load(w + 5 * quarter);
    storeTransposed(
      yr + 4 * o,
      f32x4.add(apcR, bpdR),
      mulRe(u1r, u1i, w1r, w1i),
      mulRe(u2r, u2i, w2r, w2i),
      mulRe(u3r, u3i, w3r, w3i),
    );
    storeTransposed(
      yi + 4 * o,
      f32x4.add(apcI, bpdI),
      mulIm(u1r, u1i, w1r, w1i),
      mulIm(u2r, u2i, w2r, w2i),
      mulIm(u3r, u3i, w3r, w3i),
    );
  }
}

/**
 * A radix-4 stage of stride s >= 4 (length m/s): input x[q + s(p + k·len/4)], output y[q + s(4p + k)]; the lanes
 * are 4 consecutive q, which share their twiddles.
 */
function stage(xr: usize, xi: usize, yr: usize, yi: usize, s: i32): void {
  const sb = <usize>s << 2;
  const quarters = size / (4 * s);
  const qb = <usize>quarters * sb;
  const tq = <usize>(size >> 2) << 2;
  for (let p = 0; p < quarters; p++) {
    const src = <usize>p * sb;
    const dst = src << 2;
    const t = twiddles + ((<usize>p * <usize>s) << 2);
    const w1r = v128.load32_splat(t);
    const w1i = v128.load32_splat(t + tq);
    const w2r = v128.load32_splat(t + 2 * tq);
    const w2i = v128.load32_splat(t + 3 * tq);
    const w3r = v128.load32_splat(t + 4 * tq);
    const w3i = v128.load32_splat(t + 5 * tq);
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
      const apcR = f32x4.add(ar, cr);
      const apcI = f32x4.add(ai, ci);
      const amcR = f32x4.sub(ar, cr);
      const amcI = f32x4.sub(ai, ci);
      const bpdR = f32x4.add(br, dr);
      const bpdI = f32x4.add(bi, di);
      const bmdR = f32x4.sub(br, dr);
      const bmdI = f32x4.sub(bi, di);
      const u1r = f32x4.add(amcR, bmdI);
      const u1i = f32x4.sub(amcI, bmdR);
      const u2r = f32x4.sub(apcR, bpdR);
      const u2i = f32x4.sub(apcI, bpdI);
      const u3r = f32x4.sub(amcR, bmdI);
      const u3i = f32x4.add(amcI, bmdR);
      const y0 = dst + o;
      v128.store(yr + y0, f32x4.add(apcR, bpdR));
      v128.store(yi + y0, f32x4.add(apcI, bpdI));
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
  const half = <usize>(size >> 1) << 2;
  for (let o: usize = 0; o < half; o += 16) {
    const ar = v128.load(xr + o);
    const ai = v128.load(xi + o);
    const br = v128.load(xr + o + half);
    const bi = v128.load(xi + o + half);
    v128.store(yr + o, f32x4.add(ar, br));
    v128.store(yi + o, f32x4.add(ai, bi));
    v128.store(yr + o + half, f32x4.sub(ar, br));
    v128.store(yi + o + half, f32x4.sub(ai, bi));
  }
}

/**
 * Forward complex DFT of (xr, xi), ping-ponging with (yr, yi); true when the result ended in y.
 * Called with re and im swapped it computes the swapped inverse DFT (IDFT(z) = swap(DFT(swap(z)))).
 */
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
 * rfft of the n samples at `src` weighted by `window`, with the window's factor ½ folded in (pass w/2 for w):
 * writes bins 0..m to (outRe, outIm), each m + 1 floats (+3 of room).
 */
export function forwardReal(src: usize, window: usize, outRe: usize, outIm: usize): void {
  const m = size;
  const n = <usize>m << 3; // bytes of the n input samples
  // Deinterleave the windowed samples into z = x[2j] + i·x[2j+1].
  for (let o: usize = 0; o < n; o += 32) {
    const v0 = f32x4.mul(v128.load(src + o), v128.load(window + o));
    const v1 = f32x4.mul(v128.load(src + o + 16), v128.load(window + o + 16));
    v128.store(bufRe + (o >> 1), f32x4.shuffle(v0, v1, 0, 2, 4, 6));
    v128.store(bufIm + (o >> 1), f32x4.shuffle(v0, v1, 1, 3, 5, 7));
  }
  const inTmp = complexForward(bufRe, bufIm, tmpRe, tmpIm);
  const zr = inTmp ? tmpRe : bufRe;
  const zi = inTmp ? tmpIm : bufIm;
  const mb = <usize>m << 2;
  store<f32>(zr + mb, load<f32>(zr));
  store<f32>(zi + mb, load<f32>(zi));
  // X[k] = E[k] + e^(-2πik/n)·O[k], E = (Z[k] + conj Z[m−k])/2, O = (Z[k] − conj Z[m−k])/2i (the ½ is in the window).
  for (let o: usize = 0; o < mb; o += 16) {
    const ar = v128.load(zr + o);
    const ai = v128.load(zi + o);
    const br = reversed(v128.load(zr + mb - o - 12));
    const bi = f32x4.neg(reversed(v128.load(zi + mb - o - 12)));
    const er = f32x4.add(ar, br);
    const ei = f32x4.add(ai, bi);
    const or = f32x4.sub(ai, bi);
    const oi = f32x4.sub(br, ar);
    const c = v128.load(splitCos + o);
    const s = v128.load(splitSin + o);
    v128.store(outRe + o, f32x4.add(er, f32x4.add(f32x4.mul(or, c), f32x4.mul(oi, s))));
    v128.store(outIm + o, f32x4.add(ei, f32x4.sub(f32x4.mul(oi, c), f32x4.mul(or, s))));
  }
  store<f32>(outRe + mb, 2 * (load<f32>(zr) - load<f32>(zi)));
  store<f32>(outIm + mb, 0);
}

/**
 * n·irfft of bins 0..m at (re, im), leaving the samples as pairs: 2j at resultRe()[j], 2j + 1 at resultIm()[j].
 * The imaginary parts of DC and Nyquist are ignored, as irfft does (they are zeroed in place).
 */
export function inverseReal(re: usize, im: usize): void {
  const mb = <usize>size << 2;
  store<f32>(im, 0);
  store<f32>(im + mb, 0);
  // Z[k] = E[k] + i·O[k]: E = X[k] + conj X[m−k], O = (X[k] − conj X[m−k])·e^(2πik/n) (both twice irfft's, so the
  // result is n times the samples).
  for (let o: usize = 0; o < mb; o += 16) {
    const ar = v128.load(re + o);
    const ai = v128.load(im + o);
    const br = reversed(v128.load(re + mb - o - 12));
    const bi = f32x4.neg(reversed(v128.load(im + mb - o - 12)));
    const dr = f32x4.sub(ar, br);
    const di = f32x4.sub(ai, bi);
    const c = v128.load(splitCos + o);
    const s = v128.load(splitSin + o);
    const or = f32x4.sub(f32x4.mul(dr, c), f32x4.mul(di, s));
    const oi = f32x4.add(f32x4.mul(dr, s), f32x4.mul(di, c));
    v128.store(bufRe + o, f32x4.sub(f32x4.add(ar, br), oi));
    v128.store(bufIm + o, f32x4.add(f32x4.add(ai, bi), or));
  }
  resultInTmp = complexForward(bufIm, bufRe, tmpIm, tmpRe);
}

/** The even samples of the last inverseReal(). */
export function resultRe(): usize {
  return resultInTmp ? tmpRe : bufRe;
}

/** The odd samples of the last inverseReal(). */
export function resultIm(): usize {
  return resultInTmp ? tmpIm : bufIm;
}
