import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoiseReduction } from '../../src/frontend/noise-reduction.js';

const defaults = { smoothingBits: 10, evenSmoothing: 0.025, oddSmoothing: 0.06, minSignalRemaining: 0.05 };

test('subtracts a running noise estimate with the Q14 coefficients truncated from float', () => {
  const nr = new NoiseReduction(2, defaults);
  const signal = Uint32Array.from([1000, 1000]);
  nr.apply(signal);
  // even: smoothing 409 (0.025·16384 = 409.6), odd: 983 (0.06·16384 = 983.04).
  // estimate = (1000·1024·409) >> 14 = 25562; output = (1024000 - 25562) >> 10 = 975.
  assert.deepEqual(Array.from(nr.estimate), [25562, 61437]);
  assert.deepEqual(Array.from(signal), [975, 940]);
  signal.set([1000, 1000]);
  nr.apply(signal);
  // The next estimate blends in the previous one (a 64-bit sum in C).
  assert.equal(nr.estimate[0], Math.floor((1024000 * 409 + 25562 * (16384 - 409)) / 16384));
  assert.equal(signal[0], (1024000 - nr.estimate[0]) >>> 10);
});

test('keeps at least min_signal_remaining of the signal', () => {
  const nr = new NoiseReduction(1, defaults);
  const signal = new Uint32Array(1);
  for (let i = 0; i < 400; i++) {
    signal[0] = 5000;
    nr.apply(signal);
  }
  // The estimate has converged on the signal: only the floor (5000·819) >> 14 = 249 remains.
  assert.equal(signal[0], 249);
});

test('wraps the scaled-up signal in uint32 like the C shift', () => {
  const nr = new NoiseReduction(1, defaults);
  const signal = Uint32Array.from([2 ** 22 + 3]); // << 10 = 2^32 + 3072 wraps to 3072
  nr.apply(signal);
  const estimate = Math.floor((3072 * 409) / 16384);
  assert.equal(nr.estimate[0], estimate);
  const floor = Math.floor(((2 ** 22 + 3) * 819) / 16384);
  assert.equal(signal[0], Math.max((3072 - estimate) >>> 10, floor));
});

test('starts again from a zero estimate after reset', () => {
  const nr = new NoiseReduction(1, defaults);
  nr.apply(Uint32Array.from([1000]));
  nr.reset();
  assert.equal(nr.estimate[0], 0);
});
