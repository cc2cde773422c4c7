// Pitch shift as librosa.effects.pitch_shift: time-stretch by 2^(-semitones/12), resample back to the
// original rate (from sampleRate / rate), fix the length to the input's.
import { resample } from '../audio/resample.js';
import { roundHalfEven, timeStretch, timeStretchTransient } from './time-stretch.js';

/** y cut or zero-padded to `length` (librosa.util.fix_length). */
function fixLength(y: Float32Array, length: number): Float32Array {
  if (y.length === length) return y;
  if (y.length > length) return y.slice(0, length);
  const out = new Float32Array(length);
  out.set(y);
  return out;
}

function checkSemitones(semitones: number): void {
  if (!Number.isFinite(semitones))
    throw new Error(`pitch shift must be a finite number of semitones, got ${semitones}`);
}

function checkRate(sampleRate: number): void {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate))
    throw new Error(`sample rate must be positive, got ${sampleRate}`);
}

/** Stretches by `stretch`, then resamples as a pitch shift of `semitones`, to `length` samples. */
function stretchAndResample(
  y: Float32Array,
  sampleRate: number,
  stretch: number,
  semitones: number,
  length: number,
): Float32Array {
  const pitchRate = 2 ** (-semitones / 12);
  // Resampled at once (copied into the resampler's memory), so the vocoder's own buffer will do.
  const stretched = timeStretchTransient(y, stretch);
  // The 'fast' filter: a pitch shift moves every partial anyway, 70 dB of alias rejection is plenty for augmentation.
  return fixLength(resample(stretched, sampleRate / pitchRate, sampleRate, 'fast'), length);
}

/** librosa.effects.pitch_shift(y, sr=sampleRate, n_steps=semitones): same length, pitch moved by semitones. */
export function pitchShift(y: Float32Array, sampleRate: number, semitones: number): Float32Array {
  checkRate(sampleRate);
  checkSemitones(semitones);
  if (semitones === 0) return y.slice();
  return stretchAndResample(y, sampleRate, 2 ** (-semitones / 12), semitones, y.length);
}

/**
 * time_stretch(y, rate) followed by pitch_shift(·, semitones) in one phase-vocoder pass: stretch by
 * rate · 2^(-semitones/12), then one resample. Output length round(n / rate), as the two-step chain.
 */
export function speedAndPitch(y: Float32Array, sampleRate: number, rate: number, semitones: number): Float32Array {
  checkRate(sampleRate);
  checkSemitones(semitones);
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`speed rate must be a positive number, got ${rate}`);
  if (semitones === 0) return rate === 1 ? y.slice() : timeStretch(y, rate);
  const length = roundHalfEven(y.length / rate);
  return stretchAndResample(y, sampleRate, rate * 2 ** (-semitones / 12), semitones, length);
}
