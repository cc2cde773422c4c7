import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Filterbank } from '../../src/frontend/filterbank.js';
import { packComplex } from '../../src/frontend/fft-fixed.js';

test('sums each bin into its channel with the weight and into the next with the unweight', () => {
  const fb = new Filterbank(40, 125, 7500, 16000, 257);
  const { binStart, weights, unweights, startIndex } = fb.layout;
  const spectrum = new Int32Array(257);
  // One bin inside band 3 (output channel 2); its leftover goes to output channel 3.
  const bin = binStart[3];
  spectrum[bin] = packComplex(300, -400); // energy 250000
  const out = new Uint32Array(40);
  fb.apply(spectrum, 0, out);
  const w = weights[bin - startIndex];
  const u = unweights[bin - startIndex];
  assert.equal(out[2], Math.round(Math.sqrt(w * 250000)));
  assert.equal(out[3], Math.round(Math.sqrt(u * 250000)));
  assert.equal(
    out.reduce((a, b) => a + b, 0),
    out[2] + out[3],
  );
  // The FFT input shift is undone after the square root.
  fb.apply(spectrum, 3, out);
  assert.equal(out[2], Math.round(Math.sqrt(w * 250000)) >>> 3);
});

test('refuses an upper band limit that needs bins beyond the spectrum', () => {
  assert.throws(() => new Filterbank(40, 125, 8000, 16000, 257), /beyond the spectrum/);
});
