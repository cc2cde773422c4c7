// Fixed-point int16 real FFT, bit-exact with kissfft v1.3.0 built with FIXED_POINT=16 (kiss_fftr over kiss_fft):
// every butterfly first scales its inputs by 1/radix with Q15 rounding (x·(32767/p) + 2^14) >> 15, every
// intermediate is stored as int16 (wrapping), and the twiddles are floor(0.5 + 32767·cos/sin).
// The output is the DFT divided by the FFT length (approximately).

/** kissfft's factorisation: powers of 4 first, then 2 (then odd primes, never reached for powers of two). */
function factorize(n: number): number[] {
  const factors: number[] = [];
  let p = 4;
  const floorSqrt = Math.floor(Math.sqrt(n));
  do {
    while (n % p !== 0) {
      p = p === 4 ? 2 : p === 2 ? 3 : p + 2;
      if (p > floorSqrt) p = n;
    }
    n /= p;
    factors.push(p);
  } while (n > 1);
  return factors;
}

const Q15_HALF = 1 << 14;

// The input is read as int32 (even, odd) sample pairs, which puts the even sample in the low half only on a
// little-endian machine (every platform Node runs on in practice).
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Packs an int16 pair into one int32 (re in the low half): the layout of all complex buffers here. */
export function packComplex(re: number, im: number): number {
  return (re & 0xffff) | (im << 16);
}

/** Real part of a packed complex value. */
export function realPart(z: number): number {
  return (z << 16) >> 16;
}

/** Imaginary part of a packed complex value. */
export function imagPart(z: number): number {
  return z >> 16;
}

/** One radix-4 butterfly stage over blocks of 4·m, with the twiddles it reads laid out in order. */
export interface Stage {
  m: number;
  /** Per k < m: packed tw[k·fstride·q] for q = 1..3. */
  twiddles: Int32Array;
}

/** kissfft's set-up for a real FFT of `size` points: factorisation, input order and twiddles. */
export interface FixedFftPlan {
  /** Complex FFT length: size / 2. */
  n: number;
  /** The innermost stage's radix (its twiddles are all tw[0] = 32767 + 0i). */
  leafRadix: number;
  /** Where each leaf block's first complex input comes from (kf_work's decimation, flattened); the block's
   * other inputs follow n / leafRadix apart. */
  leafSource: Int32Array;
  /** The other (radix-4) stages, innermost first. */
  stages: Stage[];
  /** kiss_fftr's split twiddles, packed, for k = 1..n/2. */
  superTwiddles: Int32Array;
}

export function fixedFftPlan(size: number): FixedFftPlan {
  if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
    throw new Error(`fixed-point FFT length must be a power of two >= 4, got ${size}`);
  }
  const n = size / 2;
  // For powers of two kissfft factors 4·4·…·4 with at most one 2, which comes last (the innermost stage).
  const factors = factorize(n);
  for (let i = 0; i < factors.length - 1; i++)
    if (factors[i] !== 4) throw new Error(`unexpected FFT radix ${factors[i]}`);

  const twiddle = (i: number): number => {
    const phase = (-2 * Math.PI * i) / n;
    return packComplex(Math.floor(0.5 + 32767 * Math.cos(phase)), Math.floor(0.5 + 32767 * Math.sin(phase)));
  };
  const superTwiddles = new Int32Array(Math.max(1, n / 2));
  for (let i = 0; i < n / 2; i++) {
    const phase = -Math.PI * ((i + 1) / n + 0.5);
    superTwiddles[i] = packComplex(
      Math.floor(0.5 + 32767 * Math.cos(phase)),
      Math.floor(0.5 + 32767 * Math.sin(phase)),
    );
  }

  // kf_work recursion: level i has fstride = p0·…·p(i-1) and m = n / (p0·…·pi); the last level has m = 1.
  const levels = factors.length;
  const leafRadix = factors[levels - 1];
  const perm = new Int32Array(n);
  const place = (out: number, input: number, stride: number, level: number, span: number): void => {
    const p = factors[level];
    const m = span / p;
    for (let q = 0; q < p; q++) {
      if (m === 1) perm[out + q] = input + q * stride;
      else place(out + q * m, input + q * stride, stride * p, level + 1, m);
    }
  };
  place(0, 0, 1, 0, n);
  const leafSource = new Int32Array(n / leafRadix);
  for (let b = 0; b < leafSource.length; b++) leafSource[b] = perm[b * leafRadix];

  const stages: Stage[] = [];
  let fstride = n / leafRadix;
  for (let level = levels - 2; level >= 0; level--) {
    const p = factors[level];
    fstride /= p;
    const m = n / fstride / p;
    const twiddles = new Int32Array(m * 3);
    for (let k = 0, at = 0; k < m; k++) for (let q = 1; q < 4; q++) twiddles[at++] = twiddle(k * fstride * q);
    stages.push({ m, twiddles });
  }
  return { n, leafRadix, leafSource, stages, superTwiddles };
}

/*
 * Complex values are int16 pairs packed in one int32 (re low, im high): one typed-array access per value
 * instead of two, and packing with `& 0xffff` / `<< 16` is exactly C's wrap on an int16 store.
 */
export class FixedRealFft {
  /** Real input length (a power of two >= 4). */
  readonly size: number;
  /** Output bins: size / 2 + 1. */
  readonly bins: number;
  /** The FFT's input buffer (size samples); callers write into it, and any tail they leave stays as written. */
  readonly input: Int16Array;
  /** The same buffer seen as (even, odd) sample pairs: kiss_fftr's packed complex sequence. */
  private readonly pairs: Int32Array;
  private readonly ncfft: number;
  /** The innermost stage's radix (its twiddles are all tw[0] = 32767 + 0i). */
  private readonly leafRadix: number;
  /** Where each leaf block's first complex input comes from (kf_work's decimation, flattened). */
  private readonly leafSource: Int32Array;
  /** The other (radix-4) stages, innermost first. */
  private readonly stages: Stage[];
  private readonly superTwiddles: Int32Array;
  private readonly work: Int32Array;

  constructor(size: number) {
    if (!LITTLE_ENDIAN) throw new Error('the fixed-point FFT needs a little-endian platform');
    const plan = fixedFftPlan(size);
    this.size = size;
    this.bins = size / 2 + 1;
    this.ncfft = plan.n;
    this.pairs = new Int32Array(plan.n);
    this.input = new Int16Array(this.pairs.buffer);
    this.leafRadix = plan.leafRadix;
    this.leafSource = plan.leafSource;
    this.stages = plan.stages;
    this.superTwiddles = plan.superTwiddles;
    this.work = new Int32Array(plan.n);
  }

  /**
   * Transforms `input`, each sample first shifted left by `inputShift` and wrapped to int16 as FftCompute does,
   * into `bins` packed complex int16 values in `out`.
   */
  forward(inputShift: number, out: Int32Array): void {
    if (this.leafRadix === 4) this.leaf4(inputShift);
    else this.leaf2(inputShift);
    const stages = this.stages;
    for (let s = 0; s < stages.length; s++) this.radix4(stages[s].m, stages[s].twiddles);
    this.split(out);
  }

  /** Innermost radix-4 stage fused with the input gather (even samples real, odd samples imaginary). */
  private leaf4(shift: number): void {
    const work = this.work;
    const pairs = this.pairs;
    const source = this.leafSource;
    const quarter = this.ncfft >> 2;
    const up = shift + 16;
    for (let b = 0, o = 0; b < source.length; b++, o += 4) {
      const j0 = source[b];
      const z0 = pairs[j0];
      const z1 = pairs[j0 + quarter];
      const z2 = pairs[j0 + 2 * quarter];
      const z3 = pairs[j0 + 3 * quarter];
      // (int16)(x << shift), then C_FIXDIV(x, 4) = (x·8191 + 2^14) >> 15.
      const a0r = (Math.imul((z0 << up) >> 16, 8191) + Q15_HALF) >> 15;
      const a0i = (Math.imul(((z0 >> 16) << up) >> 16, 8191) + Q15_HALF) >> 15;
      const a1r = (Math.imul((z1 << up) >> 16, 8191) + Q15_HALF) >> 15;
      const a1i = (Math.imul(((z1 >> 16) << up) >> 16, 8191) + Q15_HALF) >> 15;
      const a2r = (Math.imul((z2 << up) >> 16, 8191) + Q15_HALF) >> 15;
      const a2i = (Math.imul(((z2 >> 16) << up) >> 16, 8191) + Q15_HALF) >> 15;
      const a3r = (Math.imul((z3 << up) >> 16, 8191) + Q15_HALF) >> 15;
      const a3i = (Math.imul(((z3 >> 16) << up) >> 16, 8191) + Q15_HALF) >> 15;
      // Every twiddle here is tw[0] = 32767 + 0i, and (a·32767 + 2^14) >> 15 = a for |a| <= 16383: the C_MULs
      // are identities. All terms are <= 8191, so the sums cannot wrap before the (wrapping) stores.
      const s5r = a0r - a2r;
      const s5i = a0i - a2i;
      const f0r = a0r + a2r;
      const f0i = a0i + a2i;
      const s3r = a1r + a3r;
      const s3i = a1i + a3i;
      const s4r = a1r - a3r;
      const s4i = a1i - a3i;
      work[o] = ((f0r + s3r) & 0xffff) | ((f0i + s3i) << 16);
      work[o + 1] = ((s5r + s4i) & 0xffff) | ((s5i - s4r) << 16);
      work[o + 2] = ((f0r - s3r) & 0xffff) | ((f0i - s3i) << 16);
      work[o + 3] = ((s5r - s4i) & 0xffff) | ((s5i + s4r) << 16);
    }
  }

  /** Innermost radix-2 stage fused with the input gather. */
  private leaf2(shift: number): void {
    const work = this.work;
    const pairs = this.pairs;
    const source = this.leafSource;
    const half = this.ncfft >> 1;
    const up = shift + 16;
    for (let b = 0, o = 0; b < source.length; b++, o += 2) {
      const j0 = source[b];
      const z0 = pairs[j0];
      const z1 = pairs[j0 + half];
      const ar = (Math.imul((z0 << up) >> 16, 16383) + Q15_HALF) >> 15;
      const ai = (Math.imul(((z0 >> 16) << up) >> 16, 16383) + Q15_HALF) >> 15;
      const br = (Math.imul((z1 << up) >> 16, 16383) + Q15_HALF) >> 15;
      const bi = (Math.imul(((z1 >> 16) << up) >> 16, 16383) + Q15_HALF) >> 15;
      // tw[0] = 32767 + 0i multiplies |b| <= 16383 exactly back to b.
      work[o] = ((ar + br) & 0xffff) | ((ai + bi) << 16);
      work[o + 1] = ((ar - br) & 0xffff) | ((ai - bi) << 16);
    }
  }

  private radix4(m: number, twiddles: Int32Array): void {
    const work = this.work;
    const n = this.ncfft;
    for (let base = 0; base < n; base += 4 * m) {
      for (let k = 0, t = 0; k < m; k++, t += 3) {
        const i0 = base + k;
        const i1 = i0 + m;
        const i2 = i1 + m;
        const i3 = i2 + m;
        const z0 = work[i0];
        const z1 = work[i1];
        const z2 = work[i2];
        const z3 = work[i3];
        // C_FIXDIV(x, 4): x·8191/32768 rounded; |result| <= 8191.
        const a0r = (Math.imul((z0 << 16) >> 16, 8191) + Q15_HALF) >> 15;
        const a0i = (Math.imul(z0 >> 16, 8191) + Q15_HALF) >> 15;
        const a1r = (Math.imul((z1 << 16) >> 16, 8191) + Q15_HALF) >> 15;
        const a1i = (Math.imul(z1 >> 16, 8191) + Q15_HALF) >> 15;
        const a2r = (Math.imul((z2 << 16) >> 16, 8191) + Q15_HALF) >> 15;
        const a2i = (Math.imul(z2 >> 16, 8191) + Q15_HALF) >> 15;
        const a3r = (Math.imul((z3 << 16) >> 16, 8191) + Q15_HALF) >> 15;
        const a3i = (Math.imul(z3 >> 16, 8191) + Q15_HALF) >> 15;
        let tw = twiddles[t];
        let w = (tw << 16) >> 16;
        let v = tw >> 16;
        const s0r = (Math.imul(a1r, w) - Math.imul(a1i, v) + Q15_HALF) >> 15;
        const s0i = (Math.imul(a1r, v) + Math.imul(a1i, w) + Q15_HALF) >> 15;
        tw = twiddles[t + 1];
        w = (tw << 16) >> 16;
        v = tw >> 16;
        const s1r = (Math.imul(a2r, w) - Math.imul(a2i, v) + Q15_HALF) >> 15;
        const s1i = (Math.imul(a2r, v) + Math.imul(a2i, w) + Q15_HALF) >> 15;
        tw = twiddles[t + 2];
        w = (tw << 16) >> 16;
        v = tw >> 16;
        const s2r = (Math.imul(a3r, w) - Math.imul(a3i, v) + Q15_HALF) >> 15;
        const s2i = (Math.imul(a3r, v) + Math.imul(a3i, w) + Q15_HALF) >> 15;
        // C stores these sums as int16, but |a| <= 8191 and |s| <= 8191·√2 keep them inside int16; only the
        // final sums can wrap, and packing wraps them as C's int16 stores do.
        const s5r = a0r - s1r;
        const s5i = a0i - s1i;
        const f0r = a0r + s1r;
        const f0i = a0i + s1i;
        const s3r = s0r + s2r;
        const s3i = s0i + s2i;
        const s4r = s0r - s2r;
        const s4i = s0i - s2i;
        work[i0] = ((f0r + s3r) & 0xffff) | ((f0i + s3i) << 16);
        work[i1] = ((s5r + s4i) & 0xffff) | ((s5i - s4r) << 16);
        work[i2] = ((f0r - s3r) & 0xffff) | ((f0i - s3i) << 16);
        work[i3] = ((s5r - s4i) & 0xffff) | ((s5i + s4r) << 16);
      }
    }
  }

  /** kiss_fftr's split of the packed complex FFT into the real signal's spectrum. */
  private split(out: Int32Array): void {
    const n = this.ncfft;
    const work = this.work;
    const z = work[0];
    const dcr = (Math.imul((z << 16) >> 16, 16383) + Q15_HALF) >> 15;
    const dci = (Math.imul(z >> 16, 16383) + Q15_HALF) >> 15;
    out[0] = (dcr + dci) & 0xffff;
    out[n] = (dcr - dci) & 0xffff;
    const tw = this.superTwiddles;
    const half = n >> 1;
    for (let k = 1; k <= half; k++) {
      const zk = work[k];
      const znk = work[n - k];
      const fkr = (Math.imul((zk << 16) >> 16, 16383) + Q15_HALF) >> 15;
      const fki = (Math.imul(zk >> 16, 16383) + Q15_HALF) >> 15;
      const fnkr = (Math.imul((znk << 16) >> 16, 16383) + Q15_HALF) >> 15;
      // The conjugate is stored as int16 before scaling (-(-32768) wraps).
      const fnki = (Math.imul((-(znk >> 16) << 16) >> 16, 16383) + Q15_HALF) >> 15;
      // |f| <= 16383 after C_FIXDIV(·, 2): these int16 sums cannot wrap; the twiddle product can.
      const f1r = fkr + fnkr;
      const f1i = fki + fnki;
      const f2r = fkr - fnkr;
      const f2i = fki - fnki;
      const t = tw[k - 1];
      const w = (t << 16) >> 16;
      const v = t >> 16;
      const twr = (((Math.imul(f2r, w) - Math.imul(f2i, v) + Q15_HALF) >> 15) << 16) >> 16;
      const twi = (((Math.imul(f2r, v) + Math.imul(f2i, w) + Q15_HALF) >> 15) << 16) >> 16;
      out[k] = (((f1r + twr) >> 1) & 0xffff) | (((f1i + twi) >> 1) << 16);
      out[n - k] = (((f1r - twr) >> 1) & 0xffff) | (((twi - f1i) >> 1) << 16);
    }
  }
}
