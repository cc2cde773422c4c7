import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { decodeWav, mixToMono } from '../../src/audio/wav.js';
import { roundHalfEven, timeStretch, timeStretchTransient, vocoderFrameCount } from '../../src/augment/time-stretch.js';
import { stftFrameCount, synthesisFrameCount } from '../../src/dsp/stft.js';
import { SimdVocoder, simdVocoderFits } from '../../src/augment/vocoder-simd.js';
import { speedAndPitch } from '../../src/augment/pitch-shift.js';
import { loadSimdFFT } from '../../src/dsp/fft-simd.js';

// The 'simd' engine's FFT (PFFFT) is loaded on demand.
await loadSimdFFT();

/** A spoken word from the demo dataset (16 kHz, with its silences). */
function speech(): Float32Array {
  const dir = new URL('../../fixtures/dataset/yes/', import.meta.url);
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()[0];
  return mixToMono(decodeWav(readFileSync(new URL(file, dir))));
}

/** Energy of a − b relative to b's, in dB. */
function errorDb(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let err = 0;
  let energy = 0;
  for (let i = 0; i < a.length; i++) {
    err += (a[i] - b[i]) ** 2;
    energy += b[i] ** 2;
  }
  return 10 * Math.log10(err / energy);
}

test("the simd vocoder gives the float64 reference vocoder's output on speech, to float32 precision", () => {
  const y = speech();
  // Every FFT stage mix: radix-4 only (n/2 = 4^k) and with a final radix-2 stage, down to the smallest size.
  for (const [nFft, hop, limit] of [
    [2048, 512, -95],
    [1024, 256, -90],
    [4096, 1024, -90],
    [512, 128, -90],
    [64, 16, -80],
    [32, 8, -80],
  ]) {
    for (const rate of [0.5, 0.8, 0.93, 1, 1.1 * 2 ** (-2 / 12), 1.25, 2]) {
      const reference = timeStretch(y, rate, { nFft, hop, engine: 'reference' });
      const db = errorDb(timeStretch(y, rate, { nFft, hop }), reference);
      assert.ok(db < limit, `n_fft ${nFft}, hop ${hop}, rate ${rate}: ${db.toFixed(1)} dB`);
    }
  }
});

test('at rate 1 the simd vocoder gives back its input (istft of stft)', () => {
  const rng = seedrandom.xor4096('vocoder:identity');
  const y = Float32Array.from({ length: 7777 }, () => rng.double() - 0.5);
  const out = timeStretch(y, 1);
  assert.equal(out.length, y.length);
  let err = 0;
  for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(out[i] - y[i]));
  assert.ok(err < 2e-6, `max error ${err}`);
});

test("a fresh instance gives the same bytes; timeStretch's result is a copy that later stretches leave alone", () => {
  const y = speech();
  const length = roundHalfEven(y.length / 0.9);
  const frames = stftFrameCount(y.length, 512);
  const outFrames = synthesisFrameCount(vocoderFrameCount(frames, 0.9), length, 2048, 512);
  const a = new SimdVocoder(2048, 512).stretch(y, frames, 0.9, outFrames, length).slice();
  const b = new SimdVocoder(2048, 512).stretch(y, frames, 0.9, outFrames, length);
  assert.deepEqual(b, a);
  const kept = timeStretch(y, 0.9);
  const snapshot = kept.slice();
  assert.deepEqual(timeStretchTransient(y, 0.9), kept);
  timeStretchTransient(y, 1.2);
  assert.deepEqual(kept, snapshot);
});

test('a result does not depend on the calls before it (buffers are reused, never read stale)', () => {
  const y = speech();
  const calls: [Float32Array, number, number][] = [
    [y, 0.9, 2],
    [y.subarray(0, 3000), 1.1, -2],
    [y.subarray(2000), 0.95, 0.5],
    [Float32Array.from(y).reverse(), 1.05, -1.5],
  ];
  const forward = calls.map(([x, rate, semitones]) => speedAndPitch(x, 16000, rate, semitones));
  const backward = [...calls]
    .reverse()
    .map(([x, rate, semitones]) => speedAndPitch(x, 16000, rate, semitones))
    .reverse();
  assert.deepEqual(backward, forward);
});

test('empty and very short inputs, and the sizes the simd vocoder takes', () => {
  assert.equal(timeStretch(new Float32Array(0), 0.9).length, 0);
  const short = timeStretch(Float32Array.from([0.5, -0.25, 0.125]), 0.5);
  assert.equal(short.length, 6);
  assert.ok(short.every(Number.isFinite));
  assert.ok(simdVocoderFits(32) && simdVocoderFits(2048) && !simdVocoderFits(16) && !simdVocoderFits(96));
  // Frames below 32 points run on the JavaScript vocoder; a bad hop is refused either way.
  assert.equal(timeStretch(new Float32Array(1000), 0.8, { nFft: 16 }).length, 1250);
  assert.throws(() => timeStretch(new Float32Array(100), 0.9, { nFft: 2048, hop: 0 }), /hop/);
  assert.throws(() => timeStretch(new Float32Array(100), 0.9, { nFft: 16, hop: 17 }), /hop/);
});
