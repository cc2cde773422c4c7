import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pitchShift, speedAndPitch } from '../../src/augment/pitch-shift.js';
import { timeStretch } from '../../src/augment/time-stretch.js';
import { peakFrequency, tone } from './spectrum.js';
import { loadSimdFFT } from '../../src/dsp/fft-simd.js';

// The 'simd' engine's FFT (PFFFT) is loaded on demand.
await loadSimdFFT();

const SR = 16000;

/** 300 + 1200 + 2700 Hz, 1 s. */
function chord(): Float32Array {
  const y = new Float32Array(SR);
  for (let i = 0; i < SR; i++) {
    const t = i / SR;
    y[i] =
      0.3 * Math.sin(2 * Math.PI * 300 * t) +
      0.2 * Math.sin(2 * Math.PI * 1200 * t + 1) +
      0.1 * Math.sin(2 * Math.PI * 2700 * t + 2);
  }
  return y;
}

function interiorRms(x: Float32Array): number {
  let sum = 0;
  const start = Math.floor(x.length / 4);
  const end = Math.floor((3 * x.length) / 4);
  for (let i = start; i < end; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / (end - start));
}

test('a 1 kHz tone shifted +3 semitones keeps its length and peaks at 1189 Hz', () => {
  const y = tone(1000, SR, 1);
  const out = pitchShift(y, SR, 3);
  assert.equal(out.length, y.length);
  const f = peakFrequency(out, SR);
  assert.ok(Math.abs(f - 1189) <= 11.89, `peak at ${f} Hz`);
});

test('a 1 kHz tone shifted -3 semitones peaks at 841 Hz, and a fractional shift lands in between', () => {
  const y = tone(1000, SR, 1);
  const down = peakFrequency(pitchShift(y, SR, -3), SR);
  assert.ok(Math.abs(down - 840.9) <= 8.4, `peak at ${down} Hz`);
  const half = peakFrequency(pitchShift(y, SR, 0.5), SR);
  assert.ok(Math.abs(half - 1000 * 2 ** (0.5 / 12)) <= 10, `peak at ${half} Hz`);
});

test('works at the file rate: a 44.1 kHz tone shifted +3 semitones peaks at 1189 Hz', () => {
  const out = pitchShift(tone(1000, 44100, 0.5), 44100, 3);
  assert.equal(out.length, 22050);
  const f = peakFrequency(out, 44100, 16384);
  assert.ok(Math.abs(f - 1189) <= 11.89, `peak at ${f} Hz`);
});

test('a zero shift returns a copy of the input', () => {
  const y = tone(440, SR, 0.1);
  const out = pitchShift(y, SR, 0);
  assert.notEqual(out, y);
  assert.deepEqual(out, y);
  assert.deepEqual(speedAndPitch(y, SR, 1, 0), y);
});

test('speed+pitch in one pass has the length and pitch of time stretch then pitch shift', () => {
  const y = tone(1000, SR, 1);
  for (const [rate, semitones] of [
    [1.1, 2],
    [0.9, -3],
    [0.8, 4],
    [1.2, -1.5],
  ]) {
    const twoStep = pitchShift(timeStretch(y, rate), SR, semitones);
    const onePass = speedAndPitch(y, SR, rate, semitones);
    assert.equal(onePass.length, twoStep.length, `rate ${rate}, ${semitones} st`);
    const [f1, f2] = [peakFrequency(onePass, SR), peakFrequency(twoStep, SR)];
    assert.ok(Math.abs(f1 - f2) <= 0.002 * f2, `rate ${rate}, ${semitones} st: ${f1} vs ${f2} Hz`);
    assert.ok(Math.abs(f1 - 1000 * 2 ** (semitones / 12)) <= 0.01 * f1, `rate ${rate}, ${semitones} st: ${f1} Hz`);
  }
});

test('speed+pitch in one pass matches the two-step waveform within 0.5% RMS away from the edges', () => {
  // Holds when both chains take as many vocoder passes at rate < 1 (see the level test below).
  const y = chord();
  for (const [rate, semitones] of [
    [1.1, 2],
    [1.2, 4],
    [1.1, -3],
  ]) {
    const twoStep = pitchShift(timeStretch(y, rate), SR, semitones);
    const onePass = speedAndPitch(y, SR, rate, semitones);
    let err = 0;
    let power = 0;
    for (let i = 2048; i < twoStep.length - 2048; i++) {
      err += (twoStep[i] - onePass[i]) ** 2;
      power += twoStep[i] ** 2;
    }
    assert.ok(Math.sqrt(err / power) < 0.005, `rate ${rate}, ${semitones} st: ${Math.sqrt(err / power)}`);
  }
});

test('speed+pitch in one pass keeps the two-step level within 1 dB', () => {
  // librosa's vocoder at rate < 1 drops a steady tone by ~0.84 dB (frame 0's zero-padded phases are counted
  // twice); the chains differ by that much when only one of them takes such a pass.
  const y = chord();
  for (const [rate, semitones] of [
    [0.9, -3],
    [0.8, -4],
    [0.9, 3],
    [1.05, 1],
  ]) {
    const db =
      20 *
      Math.log10(
        interiorRms(speedAndPitch(y, SR, rate, semitones)) /
          interiorRms(pitchShift(timeStretch(y, rate), SR, semitones)),
      );
    assert.ok(Math.abs(db) < 1, `rate ${rate}, ${semitones} st: ${db} dB`);
  }
});

test('invalid parameters are refused', () => {
  const y = new Float32Array(100);
  assert.throws(() => pitchShift(y, 0, 1), /sample rate/);
  assert.throws(() => pitchShift(y, SR, Number.NaN), /semitones/);
  assert.throws(() => speedAndPitch(y, SR, 0, 1), /rate/);
});
