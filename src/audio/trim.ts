// Leading/trailing silence bounds exactly as librosa.effects.trim (0.10/0.11) computes them on float32 audio.
//
// librosa: rms over centred frames (2048 long, hop 512, zero padding of 1024 each side), each frame's mean
// square summed in float32 by numpy's pairwise summation; amplitude_to_db(rms, ref=max) = 10·log10 of the
// *re-squared* rms against the re-squared max, amin 1e-10, all in float32; frames with dB > -top_db are kept.
// The bounds are [first kept frame · 512, min(n, (last kept frame + 1) · 512)).

import { hopSums } from './kernels.js';

const FRAME = 2048;
const HOP = 512;
const PAD = FRAME / 2;
const f32 = Math.fround;
const AMIN = f32(1e-10);

/** [start, end) of the non-silent region, as librosa.effects.trim(y, top_db=topDb) with its defaults
 *  (ref = max frame RMS, frame_length 2048, hop_length 512, centred frames, constant zero padding). */
export function trimBounds(y: Float32Array, topDb: number): [number, number] {
  if (Number.isNaN(topDb)) throw new Error('trimBounds: topDb is NaN');
  const n = y.length;
  if (n === 0) return [0, 0];
  const frames = 1 + Math.floor(n / HOP);
  // float32 sums of squares over each 512-sample hop of the zero-padded signal, in numpy's pairwise order.
  const hops = new Float32Array(frames + FRAME / HOP - 1);
  hopSums(y, PAD, hops.length, hops);

  // Frame k covers hops k..k+3 of the padded signal: pairwise tree ((h0+h1)+(h2+h3)), then the mean in float32.
  const rms = new Float32Array(frames);
  let ref = 0;
  for (let k = 0; k < frames; k++) {
    const sum = f32(f32(hops[k] + hops[k + 1]) + f32(hops[k + 2] + hops[k + 3]));
    const r = f32(Math.sqrt(f32(sum / FRAME)));
    rms[k] = r;
    if (r > ref) ref = r;
  }

  // amplitude_to_db squares the rms again (not the original mean square) and subtracts the reference in float32.
  const refDb = decibels(f32(ref * ref));
  const threshold = f32(-topDb);
  let first = -1;
  let last = -1;
  for (let k = 0; k < frames; k++) {
    const db = f32(decibels(f32(rms[k] * rms[k])) - refDb);
    if (db > threshold) {
      if (first < 0) first = k;
      last = k;
    }
  }
  if (first < 0) return [0, 0];
  return [first * HOP, Math.min(n, (last + 1) * HOP)];
}

/** 10·log10(max(amin, p)) with numpy's float32 rounding at each step. */
function decibels(power: number): number {
  return f32(10 * f32(Math.log10(power > AMIN ? power : AMIN)));
}
