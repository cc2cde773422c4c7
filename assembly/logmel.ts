// The float frontends' frame loop (frontend.type log_mel and mfcc) in float64 with f64x2 SIMD: per frame the
// windowed power spectrum (_fft64.ts), the sparse mel filterbank and the log, for a whole clip in one call: their
// 'simd' engine. src/frontend/log-mel.ts holds the JavaScript 'reference' engine (fft.js) these steps follow;
// src/frontend/log-mel-simd.ts lays out the buffers after the module's own tables (plan() returns where they end)
// and writes the window and the filterbank. A usize is a byte address.
import { fft64Plan, powerSpectrum } from './_fft64';
import { ensure, heapBase } from './_heap';

/** power_to_db's amin: energies below it count as it (−100 dB). */
const AMIN: f64 = 1e-10;
/** `scale` of logMel(): ln(mel + logOffset), or 10·log10(max(mel, 1e-10)). */
const LN: i32 = 0;

/** The power spectrum of the frame being filtered (bins 0..n/2). */
let power: usize = 0;

/** Lays out an n-point FFT and its power spectrum; returns the first free byte after them (16-byte aligned). */
export function plan(n: i32): usize {
  power = fft64Plan(n, heapBase());
  const end = (power + ((<usize>(n >> 1) + 2) << 3) + 15) & ~15;
  ensure(end);
  return end;
}

/**
 * Writes the log-mel energies of `frames` frames to `out` (frames × channels doubles): frame t is the plan's n
 * float32 samples from clip + t·step, weighted by `window` (n doubles: the Hann window halved, zero outside it);
 * channel c sums weights[offset[c] .. offset[c+1]) times the power of bins start[c] onwards (int32 tables), then
 * takes the log given by `scale` (0: ln(sum + logOffset); 1: 10·log10(max(sum, 1e-10))). Returns the largest value.
 */
export function logMel(
  clip: usize,
  frames: i32,
  step: i32,
  window: usize,
  channels: i32,
  start: usize,
  offset: usize,
  weights: usize,
  scale: i32,
  logOffset: f64,
  out: usize,
): f64 {
  let max = -Infinity;
  let at = out;
  for (let t = 0; t < frames; t++) {
    powerSpectrum(clip + ((<usize>t * <usize>step) << 2), window, power);
    for (let c = 0; c < channels; c++) {
      const end = load<i32>(offset + ((<usize>c + 1) << 2));
      let bin = power + (<usize>load<i32>(start + (<usize>c << 2)) << 3);
      let sum: f64 = 0;
      for (let i = load<i32>(offset + (<usize>c << 2)); i < end; i++) {
        sum += load<f64>(weights + (<usize>i << 3)) * load<f64>(bin);
        bin += 8;
      }
      const v = scale == LN ? Math.log(sum + logOffset) : 10 * Math.log10(sum > AMIN ? sum : AMIN);
      store<f64>(at, v);
      at += 8;
      if (v > max) max = v;
    }
  }
  return max;
}
