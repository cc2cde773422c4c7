import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeNpy } from '../../src/io/npy.js';
import { roundHalfEven, timeStretch } from '../../src/augment/time-stretch.js';
import { peakFrequency, tone } from './spectrum.js';
import { loadSimdFFT } from '../../src/dsp/fft-simd.js';

// The 'simd' engine's FFT (PFFFT) is loaded on demand.
await loadSimdFFT();

const fixture = (name: string) =>
  decodeNpy(readFileSync(new URL(`../../fixtures/augment/${name}`, import.meta.url))).data as Float32Array;

test('a 1 kHz tone stretched at rate 0.8 is 1.25x longer and still peaks at 1 kHz', () => {
  const y = tone(1000, 16000, 1);
  const out = timeStretch(y, 0.8);
  assert.ok(Math.abs(out.length - 1.25 * y.length) <= 512, `length ${out.length}`);
  assert.equal(out.length, 20000);
  const f = peakFrequency(out, 16000);
  assert.ok(Math.abs(f - 1000) <= 10, `peak at ${f} Hz`);
});

test('a 1 kHz tone sped up at rate 1.25 is 0.8x as long and still peaks at 1 kHz', () => {
  const y = tone(1000, 16000, 1);
  const out = timeStretch(y, 1.25);
  assert.equal(out.length, 12800);
  const f = peakFrequency(out, 16000);
  assert.ok(Math.abs(f - 1000) <= 10, `peak at ${f} Hz`);
});

test('matches the numpy transcription of librosa.effects.time_stretch sample for sample', () => {
  const y = fixture('signal.npy');
  for (const rate of [0.8, 1.25, 0.93]) {
    const expected = fixture(`time_stretch_${rate}.npy`);
    const out = timeStretch(y, rate, { engine: 'reference' });
    assert.equal(out.length, expected.length, `rate ${rate}`);
    let err = 0;
    for (let i = 0; i < out.length; i++) err = Math.max(err, Math.abs(out[i] - expected[i]));
    assert.ok(err < 1e-6, `rate ${rate}: max error ${err}`);
    // The float32 simd engine drifts in phase on quiet bins, but stays close in level everywhere.
    const simd = timeStretch(y, rate);
    let diff = 0;
    let energy = 0;
    for (let i = 0; i < out.length; i++) {
      diff += (simd[i] - expected[i]) ** 2;
      energy += expected[i] ** 2;
    }
    assert.ok(
      10 * Math.log10(diff / energy) < -50,
      `rate ${rate}: simd engine at ${10 * Math.log10(diff / energy)} dB`,
    );
  }
});

test('output length is round(n / rate) with Python rounding (halves to even)', () => {
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(roundHalfEven(-2.5), -2);
  assert.equal(roundHalfEven(2.4999), 2);
  assert.equal(timeStretch(new Float32Array(5000), 2 / 1.0001).length, roundHalfEven(5000 / (2 / 1.0001)));
  assert.equal(timeStretch(new Float32Array(5), 2).length, 2);
  assert.equal(timeStretch(new Float32Array(7), 2).length, 4);
});

test('an empty input gives an empty output; rates that are not positive are refused', () => {
  assert.equal(timeStretch(new Float32Array(0), 0.9).length, 0);
  for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => timeStretch(new Float32Array(100), rate), /rate/);
  }
});
