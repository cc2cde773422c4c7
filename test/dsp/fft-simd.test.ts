// The 'simd' engine's real FFT (PFFFT in WebAssembly): the float64 reference FFT's results within float32 precision,
// in the same layout and scaling, at any offset, through the heap's growth; fft.js for sizes PFFFT does not take.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { RealFFT } from '../../src/dsp/fft.js';
import { simdFftBuild, simdRealFFT, loadSimdFFT } from '../../src/dsp/fft-simd.js';

// The 'simd' engine's FFT (PFFFT) is loaded on demand.
await loadSimdFFT();

function randomSignal(n: number, key: string): Float64Array {
  const rng = seedrandom.xor4096(key);
  return Float64Array.from({ length: n }, () => rng.double() * 2 - 1);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// Rounding the input to float32 alone moves a bin by about 6e-8 × √n for this signal; the transform adds as much.
const tolerance = (n: number) => 1e-6 * Math.sqrt(n);

test('runs on PFFFT here (WebAssembly SIMD is available in Node 20)', async () => {
  assert.equal(await simdFftBuild(), 'pffft-simd');
});

test('forward matches the float64 reference FFT within float32 precision, DC and Nyquist real', () => {
  for (const n of [32, 64, 256, 2048, 16384]) {
    const x = randomSignal(n, `simd:${n}`);
    const want = new Float64Array(n + 2);
    const got = new Float64Array(n + 2).fill(NaN);
    RealFFT.of(n).forward(x, want);
    simdRealFFT(n).forward(x, got);
    assert.ok(maxAbsDiff(got, want) < tolerance(n), `size ${n}: ${maxAbsDiff(got, want)}`);
    assert.equal(got[1], 0);
    assert.equal(got[n + 1], 0);
  }
});

test('inverse(forward(x)) gives x back within float32 precision, scaled like numpy irfft', () => {
  for (const n of [32, 512, 4096]) {
    const x = randomSignal(n, `simd-inverse:${n}`);
    const fft = simdRealFFT(n);
    const spectrum = new Float64Array(n + 2);
    const back = new Float64Array(n);
    fft.forward(x, spectrum);
    fft.inverse(spectrum, back);
    assert.ok(maxAbsDiff(back, x) < 2e-6, `size ${n}: ${maxAbsDiff(back, x)}`);
  }
});

test('inverse matches the reference on any spectrum, ignoring the imaginary parts of DC and Nyquist', () => {
  const n = 256;
  const spectrum = randomSignal(n + 2, 'simd:spectrum');
  const want = new Float64Array(n);
  const got = new Float64Array(n);
  RealFFT.of(n).inverse(spectrum, want);
  simdRealFFT(n).inverse(spectrum, got);
  assert.ok(maxAbsDiff(got, want) < 1e-6, String(maxAbsDiff(got, want)));
});

test('forward and inverse work at an offset, in longer arrays, leaving the rest untouched, whatever array comes next', () => {
  const n = 64;
  const fft = simdRealFFT(n);
  const x = randomSignal(n, 'simd:offset');
  const want = new Float64Array(n + 2);
  RealFFT.of(n).forward(x, want);
  const a = new Float64Array(100).fill(7);
  const b = new Float64Array(100).fill(7);
  // Several arrays and offsets in turn: the transform keeps views of the last ones it saw.
  for (const [array, at] of [
    [a, 5],
    [b, 0],
    [a, 5],
    [a, 20],
  ] as const) {
    array.fill(7);
    fft.forward(x, array, at);
    assert.ok(maxAbsDiff(array.subarray(at, at + n + 2), want) < tolerance(n), `at ${at}`);
    assert.ok(
      array.subarray(0, at).every((v) => v === 7) && array.subarray(at + n + 2).every((v) => v === 7),
      `at ${at}: outside touched`,
    );
    const out = new Float64Array(n + 3).fill(5);
    fft.inverse(array, out, at);
    assert.ok(maxAbsDiff(out.subarray(0, n), x) < 2e-6);
    assert.deepEqual([...out.subarray(n)], [5, 5, 5]);
  }
  // An input longer than the size: its first n samples.
  const long = new Float64Array(n + 10);
  long.set(x);
  long.fill(9, n);
  const got = new Float64Array(n + 2);
  fft.forward(long, got);
  assert.ok(maxAbsDiff(got, want) < tolerance(n));
});

test('a transform made before the WebAssembly heap grew still works after', () => {
  const n = 128;
  const x = randomSignal(n, 'simd:grow');
  const want = new Float64Array(n + 2);
  RealFFT.of(n).forward(x, want);
  const small = simdRealFFT(n);
  const before = new Float64Array(n + 2);
  small.forward(x, before);
  // 2^22 points need 48 MiB of buffers: more than the heap had.
  simdRealFFT(1 << 22);
  const after = new Float64Array(n + 2);
  small.forward(x, after);
  assert.deepEqual(after, before);
  const back = new Float64Array(n);
  small.inverse(after, back);
  assert.ok(maxAbsDiff(back, x) < 2e-6);
});

test('one shared transform per size; sizes PFFFT does not take run on the reference FFT', () => {
  assert.equal(simdRealFFT(1024), simdRealFFT(1024));
  assert.equal(simdRealFFT(1024).bins, 513);
  for (const n of [4, 8, 16]) assert.equal(simdRealFFT(n), RealFFT.of(n), `size ${n}`);
  assert.ok(!(simdRealFFT(32) instanceof RealFFT));
});
