import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vtlp, vtlpFHi, vtlpUnwarp, vtlpWarp } from '../../src/augment/vtlp.js';
import { peakFrequency, tone } from './spectrum.js';
import { loadSimdFFT } from '../../src/dsp/fft-simd.js';

// The 'simd' engine's FFT (PFFFT) is loaded on demand.
await loadSimdFFT();

const SR = 16000;
const BIN = SR / 2048;

function interiorRmsDb(out: Float32Array, ref: Float32Array): number {
  const rms = (x: Float32Array) => {
    let sum = 0;
    for (let i = x.length >> 2; i < (3 * x.length) >> 2; i++) sum += x[i] * x[i];
    return Math.sqrt(sum / (x.length >> 1));
  };
  return 20 * Math.log10(rms(out) / rms(ref));
}

test('alpha > 1 moves a tone below the boundary up to f·alpha, alpha < 1 down (within two STFT bins)', () => {
  const y = tone(1000, SR, 1);
  for (const alpha of [1.1, 1.2, 0.9, 0.8]) {
    const out = vtlp(y, SR, alpha);
    const f = peakFrequency(out, SR);
    assert.ok(Math.abs(f - 1000 * alpha) <= 2 * BIN, `alpha ${alpha}: peak at ${f} Hz`);
    assert.ok(alpha > 1 ? f > 1000 + BIN : f < 1000 - BIN, `alpha ${alpha}: moved the wrong way (${f} Hz)`);
  }
});

test('coherent phase puts a tone at f·alpha within 0.1% and keeps its level within 2.5 dB', () => {
  for (const freq of [300, 1000, 1003.9, 3000]) {
    const y = tone(freq, SR, 1);
    for (const alpha of [0.8, 0.9, 0.95, 1.05, 1.1, 1.2]) {
      const out = vtlp(y, SR, alpha, { phase: 'coherent' });
      assert.equal(out.length, y.length);
      const f = peakFrequency(out, SR);
      assert.ok(Math.abs(f - freq * alpha) <= 0.001 * freq * alpha, `${freq} Hz, alpha ${alpha}: peak at ${f} Hz`);
      const db = interiorRmsDb(out, y);
      assert.ok(Math.abs(db) <= 2.5, `${freq} Hz, alpha ${alpha}: level ${db} dB`);
    }
  }
});

test('a tone above the boundary follows the straight segment to Nyquist', () => {
  const expected = vtlpWarp(6000, SR, 1.1);
  assert.ok(Math.abs(expected - 6240) < 1e-9);
  const moved = peakFrequency(vtlp(tone(6000, SR, 1), SR, 1.1), SR);
  assert.ok(Math.abs(moved - expected) <= 2 * BIN, `moved: peak at ${moved} Hz`);
  const coherent = peakFrequency(vtlp(tone(6000, SR, 1), SR, 1.1, { phase: 'coherent' }), SR);
  assert.ok(Math.abs(coherent - expected) <= 0.001 * expected, `coherent: peak at ${coherent} Hz`);
});

test('alpha = 1 gives back the input in both phase modes; the output always has the input length', () => {
  const y = tone(700, SR, 0.77);
  for (const phase of ['moved', 'coherent'] as const) {
    const out = vtlp(y, SR, 1, { phase });
    assert.equal(out.length, y.length);
    let err = 0;
    for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(out[i] - y[i]));
    assert.ok(err < 1e-6, `${phase}: max error ${err}`);
    assert.equal(vtlp(new Float32Array(1001), SR, 0.9, { phase }).length, 1001);
    assert.equal(vtlp(new Float32Array(0), SR, 0.9, { phase }).length, 0);
  }
});

test('the warp is f·alpha up to the boundary, continuous, keeps DC and Nyquist, and unwarp inverts it', () => {
  for (const sr of [8000, 16000, 44100]) {
    for (const alpha of [0.8, 0.93, 1, 1.07, 1.25]) {
      const nyquist = sr / 2;
      const boundary = (vtlpFHi(nyquist) * Math.min(alpha, 1)) / alpha;
      assert.equal(vtlpWarp(0, sr, alpha), 0);
      assert.ok(Math.abs(vtlpWarp(nyquist, sr, alpha) - nyquist) < 1e-9);
      assert.ok(Math.abs(vtlpWarp(boundary * 0.5, sr, alpha) - boundary * 0.5 * alpha) < 1e-9);
      assert.ok(
        Math.abs(vtlpWarp(boundary + 1e-9, sr, alpha) - boundary * alpha) < 1e-6,
        `continuous at ${sr}/${alpha}`,
      );
      for (let f = 0; f <= nyquist; f += nyquist / 37) {
        assert.ok(Math.abs(vtlpUnwarp(vtlpWarp(f, sr, alpha), sr, alpha) - f) < 1e-9, `unwarp at ${f}`);
      }
    }
  }
});

test('the boundary is 4800 Hz from 16 kHz up and 0.6 of Nyquist below', () => {
  assert.equal(vtlpFHi(8000), 4800);
  assert.equal(vtlpFHi(22050), 4800);
  assert.equal(vtlpFHi(4000), 2400);
});

test('factors that are not positive are refused', () => {
  assert.throws(() => vtlp(new Float32Array(10), SR, 0), /VTLP factor/);
  assert.throws(() => vtlp(new Float32Array(10), SR, Number.NaN), /VTLP factor/);
  assert.throws(() => vtlp(new Float32Array(10), -1, 1), /sample rate/);
  assert.throws(() => vtlp(new Float32Array(10), SR, 1, { phase: 'random' as 'moved' }), /phase mode/);
});
