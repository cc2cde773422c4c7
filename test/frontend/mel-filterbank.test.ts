// The mel filterbank as librosa.filters.mel builds it: the two mel scales, triangles over the FFT bins, slaney's
// unit-area scaling, and the channels too narrow to hold a bin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hzToMel, melFrequencies, MelFilterbank, melToHz } from '../../src/frontend/mel-filterbank.js';

const close = (a: number, b: number, eps = 1e-9) =>
  assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('the slaney scale is linear below 1 kHz (15 mels at 1 kHz) and logarithmic above; htk is 2595·log10(1 + f/700)', () => {
  close(hzToMel(500, 'slaney'), 7.5);
  close(hzToMel(1000, 'slaney'), 15);
  close(hzToMel(6400, 'slaney'), 15 + 27); // 27 log steps of 6.4^(1/27) from 1 kHz
  close(hzToMel(700, 'htk'), 2595 * Math.log10(2));
  for (const scale of ['slaney', 'htk'] as const)
    for (const hz of [0, 20, 440, 999.9, 1000, 4000, 7600, 22050]) close(melToHz(hzToMel(hz, scale), scale), hz);
});

test('mel frequencies run from fmin to fmax evenly spaced in mels', () => {
  const f = melFrequencies(42, 20, 7600, 'slaney');
  close(f[0], 20);
  close(f[41], 7600);
  const step = hzToMel(f[1], 'slaney') - hzToMel(f[0], 'slaney');
  for (let i = 1; i < 42; i++) close(hzToMel(f[i], 'slaney') - hzToMel(f[i - 1], 'slaney'), step);
});

test('each channel is a triangle peaking near its centre frequency; none has peak 1, slaney has unit area', () => {
  const sampleRate = 16000;
  const fftLength = 4096;
  const binHz = sampleRate / fftLength;
  for (const norm of ['none', 'slaney'] as const) {
    const fb = new MelFilterbank({ sampleRate, fftLength, channels: 40, fmin: 0, fmax: 8000, scale: 'htk', norm });
    const edges = melFrequencies(42, 0, 8000, 'htk');
    for (let c = 0; c < 40; c++) {
      const w = fb.weights.subarray(fb.offset[c], fb.offset[c + 1]);
      const peakAt = fb.start[c] + w.indexOf(Math.max(...w));
      assert.ok(Math.abs(peakAt * binHz - edges[c + 1]) <= binHz, `channel ${c}: peak at ${peakAt * binHz} Hz`);
      // Rising then falling, nothing outside (left, right).
      assert.ok(fb.start[c] * binHz > edges[c] && (fb.start[c] + w.length - 1) * binHz < edges[c + 2]);
      if (norm === 'none') assert.ok(Math.max(...w) <= 1 && Math.max(...w) > 0.9, `channel ${c}`);
      else close(w.reduce((a, b) => a + b, 0) * binHz, 1, 0.02);
    }
  }
});

test('apply sums each channel\u2019s weights times the power of its bins', () => {
  const fb = new MelFilterbank({
    sampleRate: 16000,
    fftLength: 512,
    channels: 40,
    fmin: 20,
    fmax: 7600,
    scale: 'slaney',
    norm: 'slaney',
  });
  const power = Float64Array.from({ length: 257 }, (_, k) => k);
  const mel = new Float64Array(42);
  fb.apply(power, mel, 2);
  for (let c = 0; c < 40; c++) {
    let want = 0;
    for (let i = fb.offset[c]; i < fb.offset[c + 1]; i++) want += fb.weights[i] * (fb.start[c] + i - fb.offset[c]);
    close(mel[2 + c], want);
  }
  assert.deepEqual([mel[0], mel[1]], [0, 0], 'written from the offset on');
});

test('channels narrower than the bin spacing are found empty (librosa only warns)', () => {
  const fine = new MelFilterbank({
    sampleRate: 16000,
    fftLength: 512,
    channels: 40,
    fmin: 20,
    fmax: 7600,
    scale: 'slaney',
    norm: 'slaney',
  });
  assert.deepEqual(fine.emptyChannels(), []);
  const crowded = new MelFilterbank({
    sampleRate: 16000,
    fftLength: 256,
    channels: 128,
    fmin: 0,
    fmax: 8000,
    scale: 'slaney',
    norm: 'slaney',
  });
  const empty = crowded.emptyChannels();
  assert.ok(empty.length > 0 && empty.every((c) => c < 64), `low, narrow channels: ${empty}`);
});
