import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { RealFFT } from '../../src/dsp/fft.js';

function randomSignal(n: number, key: string): Float64Array {
  const rng = seedrandom.xor4096(key);
  return Float64Array.from({ length: n }, () => rng.double() * 2 - 1);
}

/** Direct O(n²) DFT bins 0..n/2, interleaved re/im. */
function directDft(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n + 2);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const phi = (-2 * Math.PI * ((k * j) % n)) / n;
      re += x[j] * Math.cos(phi);
      im += x[j] * Math.sin(phi);
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('forward transform matches a direct DFT for sizes 4 to 2048', () => {
  for (const n of [4, 8, 64, 512, 2048]) {
    const x = randomSignal(n, `fft:${n}`);
    const got = new Float64Array(n + 2);
    RealFFT.of(n).forward(x, got);
    assert.ok(maxAbsDiff(got, directDft(x)) < 1e-9 * n, `size ${n}`);
  }
});

test('forward transform writes at an offset without touching the rest', () => {
  const x = randomSignal(16, 'fft:offset');
  const got = new Float64Array(40).fill(7);
  RealFFT.of(16).forward(x, got, 5);
  assert.ok(maxAbsDiff(got.subarray(5, 23), directDft(x)) < 1e-12);
  assert.deepEqual([...got.subarray(0, 5), ...got.subarray(23)], new Array(22).fill(7));
});

test('inverse(forward(x)) reconstructs x', () => {
  for (const n of [4, 32, 2048, 16384]) {
    const x = randomSignal(n, `ifft:${n}`);
    const fft = RealFFT.of(n);
    const spectrum = new Float64Array(n + 2);
    const back = new Float64Array(n);
    fft.forward(x, spectrum);
    fft.inverse(spectrum, back);
    assert.ok(maxAbsDiff(back, x) < 1e-13, `size ${n}`);
  }
});

test('inverse ignores the imaginary parts of DC and Nyquist like numpy.fft.irfft', () => {
  const n = 16;
  const spectrum = Float64Array.from(randomSignal(n + 2, 'ifft:dc'));
  const back = new Float64Array(n);
  RealFFT.of(n).inverse(spectrum, back);
  // irfft: x[j] = (X0 + (-1)^j XN + 2 Σ_{0<k<n/2} Re(X_k e^{2πikj/n})) / n, imaginary parts of X0, XN unused.
  for (let j = 0; j < n; j++) {
    let sum = spectrum[0] + (j % 2 ? -1 : 1) * spectrum[n];
    for (let k = 1; k < n / 2; k++) {
      const phi = (2 * Math.PI * k * j) / n;
      sum += 2 * (spectrum[2 * k] * Math.cos(phi) - spectrum[2 * k + 1] * Math.sin(phi));
    }
    assert.ok(Math.abs(back[j] - sum / n) < 1e-14, `sample ${j}`);
  }
});

test('inverse writes into a longer output array without scaling the tail', () => {
  const n = 8;
  const x = randomSignal(n, 'ifft:long');
  const fft = RealFFT.of(n);
  const spectrum = new Float64Array(n + 2);
  fft.forward(x, spectrum);
  const out = new Float64Array(n + 3).fill(5);
  fft.inverse(spectrum, out);
  assert.ok(maxAbsDiff(out.subarray(0, n), x) < 1e-14);
  assert.deepEqual([...out.subarray(n)], [5, 5, 5]);
});

test('one shared instance per size; sizes that are not powers of two are refused', () => {
  assert.equal(RealFFT.of(1024), RealFFT.of(1024));
  assert.throws(() => new RealFFT(1000), /power of two/);
  assert.throws(() => new RealFFT(2), /power of two/);
});
