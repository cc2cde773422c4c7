import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedRealFft, imagPart, realPart } from '../../src/frontend/fft-fixed.js';

// An independent oracle: kissfft's fixed-point kiss_fftr written the way the C code runs it — recursive kf_work,
// generic C_MUL with every twiddle (including tw[0]), and an int16 wrap on every store.
const wrap = (x: number) => (x << 16) >> 16;
const sround = (x: number) => wrap((x + 16384) >> 15);
const fixdiv = (x: number, p: number) => sround(x * Math.floor(32767 / p));
type C = [number, number];
const cmul = (a: C, b: C): C => [sround(a[0] * b[0] - a[1] * b[1]), sround(a[0] * b[1] + a[1] * b[0])];

function oracle(samples: Int16Array): C[] {
  const n = samples.length / 2;
  const tw: C[] = [];
  for (let i = 0; i < n; i++) {
    const phase = (-2 * Math.PI * i) / n;
    tw.push([Math.floor(0.5 + 32767 * Math.cos(phase)), Math.floor(0.5 + 32767 * Math.sin(phase))]);
  }
  const factors: number[] = [];
  for (let m = n; m > 1; ) {
    const p = m % 4 === 0 ? 4 : 2;
    factors.push(p);
    m /= p;
  }
  const input: C[] = [];
  for (let j = 0; j < n; j++) input.push([samples[2 * j], samples[2 * j + 1]]);
  const out: C[] = new Array(n);
  const work = (o: number, f: number, fstride: number, level: number): void => {
    const p = factors[level];
    const m = n / fstride / p;
    for (let q = 0; q < p; q++) {
      if (m === 1) out[o + q] = [...input[f + q * fstride]] as C;
      else work(o + q * m, f + q * fstride, fstride * p, level + 1);
    }
    for (let k = 0; k < m; k++) {
      if (p === 2) {
        const a = out[o + k].map((x) => fixdiv(x, 2)) as C;
        const b = out[o + k + m].map((x) => fixdiv(x, 2)) as C;
        const t = cmul(b, tw[k * fstride]);
        out[o + k + m] = [wrap(a[0] - t[0]), wrap(a[1] - t[1])];
        out[o + k] = [wrap(a[0] + t[0]), wrap(a[1] + t[1])];
      } else {
        const a = [0, 1, 2, 3].map((q) => out[o + k + q * m].map((x) => fixdiv(x, 4)) as C);
        const s0 = cmul(a[1], tw[k * fstride]);
        const s1 = cmul(a[2], tw[2 * k * fstride]);
        const s2 = cmul(a[3], tw[3 * k * fstride]);
        const s5: C = [wrap(a[0][0] - s1[0]), wrap(a[0][1] - s1[1])];
        const f0: C = [wrap(a[0][0] + s1[0]), wrap(a[0][1] + s1[1])];
        const s3: C = [wrap(s0[0] + s2[0]), wrap(s0[1] + s2[1])];
        const s4: C = [wrap(s0[0] - s2[0]), wrap(s0[1] - s2[1])];
        out[o + k + 2 * m] = [wrap(f0[0] - s3[0]), wrap(f0[1] - s3[1])];
        out[o + k] = [wrap(f0[0] + s3[0]), wrap(f0[1] + s3[1])];
        out[o + k + m] = [wrap(s5[0] + s4[1]), wrap(s5[1] - s4[0])];
        out[o + k + 3 * m] = [wrap(s5[0] - s4[1]), wrap(s5[1] + s4[0])];
      }
    }
  };
  work(0, 0, 1, 0);
  const spectrum: C[] = new Array(n + 1);
  const dc = out[0].map((x) => fixdiv(x, 2));
  spectrum[0] = [wrap(dc[0] + dc[1]), 0];
  spectrum[n] = [wrap(dc[0] - dc[1]), 0];
  for (let k = 1; k <= n / 2; k++) {
    const phase = -Math.PI * (k / n + 0.5);
    const sw: C = [Math.floor(0.5 + 32767 * Math.cos(phase)), Math.floor(0.5 + 32767 * Math.sin(phase))];
    const fk = out[k].map((x) => fixdiv(x, 2));
    const fnk = [fixdiv(out[n - k][0], 2), fixdiv(wrap(-out[n - k][1]), 2)];
    const f1: C = [wrap(fk[0] + fnk[0]), wrap(fk[1] + fnk[1])];
    const f2: C = [wrap(fk[0] - fnk[0]), wrap(fk[1] - fnk[1])];
    const t = cmul(f2, sw);
    spectrum[k] = [wrap((f1[0] + t[0]) >> 1), wrap((f1[1] + t[1]) >> 1)];
    spectrum[n - k] = [wrap((f1[0] - t[0]) >> 1), wrap((t[1] - f1[1]) >> 1)];
  }
  return spectrum;
}

function transform(samples: Int16Array, shift = 0): C[] {
  const fft = new FixedRealFft(samples.length);
  fft.input.set(samples);
  const out = new Int32Array(fft.bins);
  fft.forward(shift, out);
  return Array.from(out, (z) => [realPart(z), imagPart(z)] as C);
}

// Deterministic pseudo-random int16 samples.
function noise(n: number, seed: number, amplitude = 32768): Int16Array {
  const x = new Int16Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = Math.floor(((s / 2 ** 32) * 2 - 1) * amplitude);
  }
  return x;
}

test('matches the recursive kissfft fixed-point algorithm bit for bit, radix-4 and radix-2 leaves', () => {
  for (const size of [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]) {
    for (const seed of [1, 2, 3]) {
      const x = noise(size, seed * 7919 + size);
      assert.deepEqual(transform(x), oracle(x), `size ${size} seed ${seed}`);
    }
  }
});

test('matches the oracle on full-scale extremes where int16 sums wrap', () => {
  for (const size of [16, 256, 512]) {
    const cases = [
      new Int16Array(size).fill(-32768),
      new Int16Array(size).fill(32767),
      Int16Array.from({ length: size }, (_, i) => (i % 2 === 0 ? 32767 : -32768)),
      Int16Array.from({ length: size }, (_, i) => ((i >> 2) % 2 === 0 ? -32768 : 32767)),
      Int16Array.from({ length: size }, (_, i) => (i % 3 === 0 ? -32768 : i % 3 === 1 ? 32767 : 0)),
    ];
    for (const x of cases) assert.deepEqual(transform(x), oracle(x));
  }
});

test('applies the input shift with an int16 wrap, as FftCompute does', () => {
  const x = noise(64, 5, 2000);
  const shifted = x.map((v) => ((v << 5) << 16) >> 16); // 2000·32 overflows int16 and wraps
  assert.deepEqual(transform(x, 5), oracle(Int16Array.from(shifted)));
});

test('approximates the DFT divided by the FFT length', () => {
  const size = 512;
  const x = Int16Array.from({ length: size }, (_, i) => Math.round(16000 * Math.cos((2 * Math.PI * 20 * i) / size)));
  const spectrum = transform(x);
  // A cosine of amplitude A in bin 20 gives A/2 there after the 1/N scaling.
  assert.ok(Math.abs(spectrum[20][0] - 8000) < 40, `bin 20 = ${spectrum[20]}`);
  for (const k of [0, 5, 19, 21, 100]) assert.ok(Math.hypot(...spectrum[k]) < 30, `bin ${k} = ${spectrum[k]}`);
});

test('rejects lengths kissfft cannot run as a real FFT here', () => {
  assert.throws(() => new FixedRealFft(2), /power of two >= 4/);
  assert.throws(() => new FixedRealFft(480), /power of two/);
});
