import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterbankLayout } from '../../src/frontend/filterbank-setup.js';

test('lays out the micro_speech filterbank like the reference float set-up', () => {
  // Expected: float32 emulation of filterbank_util.c in Python (numpy), independent of this code.
  const layout = filterbankLayout(40, 125, 7500, 16000, 257);
  assert.equal(layout.startIndex, 5);
  assert.equal(layout.endIndex, 241);
  assert.deepEqual(
    Array.from(layout.binCount),
    [
      1, 2, 1, 2, 2, 2, 2, 2, 3, 2, 3, 3, 3, 3, 3, 4, 4, 3, 5, 4, 5, 5, 5, 5, 6, 6, 7, 7, 7, 8, 8, 9, 9, 9, 11, 10, 12,
      12, 13, 13, 15,
    ],
  );
  assert.deepEqual(Array.from(layout.weights.slice(0, 8)), [1377, 2852, 321, 1971, 3701, 1408, 3281, 1124]);
  assert.deepEqual(Array.from(layout.unweights.slice(0, 8)), [2719, 1244, 3775, 2125, 395, 2688, 815, 2972]);
  assert.deepEqual(Array.from(layout.unweights.slice(-4)), [3255, 3536, 3817, 4096]);
});

test('quantizes weight and unweight separately, so they do not always sum to 4096', () => {
  // 64 channels, 60..20000 Hz at 48 kHz (2048-point FFT): one bin rounds both halves up.
  const layout = filterbankLayout(64, 60, 20000, 48000, 1025);
  const sums = Array.from(layout.weights, (w, i) => w + layout.unweights[i]);
  assert.equal(sums.filter((s) => s === 4097).length, 1);
  assert.equal(sums.filter((s) => s === 4096).length, sums.length - 1);
});

test('starts above DC and walks the bins up to the upper band limit', () => {
  // 8 kHz, 256-point FFT (129 bins, 31.25 Hz each), 20 channels over 100..3800 Hz.
  const layout = filterbankLayout(20, 100, 3800, 8000, 129);
  assert.equal(layout.startIndex, 4); // trunc(1.5 + 100 / 31.25)
  assert.equal(layout.binStart[0], 4);
  assert.equal(layout.endIndex, layout.binStart[20] + layout.binCount[20]);
  assert.ok(layout.endIndex <= 122 && layout.endIndex >= 121, `end ${layout.endIndex}`); // 3800 / 31.25 = 121.6
  for (let c = 1; c <= 20; c++) assert.equal(layout.binStart[c], layout.binStart[c - 1] + layout.binCount[c - 1]);
});
