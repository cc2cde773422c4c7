// Phase-vocoder time stretch (librosa.effects.time_stretch) in f32x4 SIMD: input frames analysed on demand, the
// vocoder step, inverse FFT and overlap-add, all in one call per clip: time stretch's 'simd' engine.
// src/augment/time-stretch.ts holds the float64 JavaScript vocoder this one follows step for step (the 'reference'
// engine); src/augment/vocoder-simd.ts lays out the buffers after the module's own tables (plan() returns where they
// end). A usize is a byte address.
import { fftPlan, forwardReal, halfBytes, inverseReal, resultIm, resultRe } from './_fft';
import { ensure, heapBase } from './_heap';

// numpy's float32 `tiny`: librosa divides by the window sum square wherever it exceeds this.
const TINY: f32 = 1.1754943508222875e-38;

let nFft: i32 = 0;
let hop: i32 = 0;
/** Bytes of one per-bin array (bins 0..n/2, rounded up to whole vectors). */
let binBytes: usize = 0;
// Periodic Hann w as w/2 (the real FFT's ½ folded in), w/n (its inverse's 1/n) and w² (the window sum square).
let analysisWindow: usize = 0;
let synthesisWindow: usize = 0;
let windowSquared: usize = 0;
// Two analysed input frames, each magnitude, then unit phasor re and im; which input frame each holds.
let frameA: usize = 0;
let frameB: usize = 0;
let indexA: i32 = -1;
let indexB: i32 = -1;
// The accumulated phase (unit phasors) and the spectrum being analysed or synthesised.
let phaseRe: usize = 0;
let phaseIm: usize = 0;
let specRe: usize = 0;
let specIm: usize = 0;

/** Lays out tables and scratch for frames of n samples every `hopLength`; returns the first free byte after them. */
export function plan(n: i32, hopLength: i32): usize {
  nFft = n;
  hop = hopLength;
  const nb = <usize>n << 2;
  analysisWindow = heapBase();
  synthesisWindow = analysisWindow + nb;
  windowSquared = synthesisWindow + nb;
  ensure(windowSquared + nb);
  const step = (2 * Math.PI) / <f64>n;
  for (let j = 0; j < n; j++) {
    // scipy's periodic Hann, as stft.ts's periodicHann.
    const w = 0.5 + 0.5 * Math.cos(-Math.PI + <f64>j * step);
    const o = <usize>j << 2;
    store<f32>(analysisWindow + o, <f32>(w * 0.5));
    store<f32>(synthesisWindow + o, <f32>(w / <f64>n));
    store<f32>(windowSquared + o, <f32>(w * w));
  }
  const end = fftPlan(n, windowSquared + nb);
  binBytes = halfBytes();
  frameA = end;
  frameB = frameA + 3 * binBytes;
  phaseRe = frameB + 3 * binBytes;
  phaseIm = phaseRe + binBytes;
  specRe = phaseIm + binBytes;
  specIm = specRe + binBytes;
  ensure(specIm + binBytes);
  return specIm + binBytes;
}

/** Analyses input frame `index` (of `frames`) into `frame`: magnitudes and unit phasors (1 where a bin is 0). */
function analyse(frame: usize, input: usize, index: i32, frames: i32): void {
  const re = frame + binBytes;
  const im = re + binBytes;
  if (index >= frames) {
    // librosa pads the spectrogram with zero columns past its end.
    memory.fill(frame, 0, binBytes);
    for (let o: usize = 0; o < binBytes; o += 16) v128.store(re + o, f32x4.splat(1));
    memory.fill(im, 0, binBytes);
    return;
  }
  forwardReal(input + ((<usize>index * <usize>hop) << 2), analysisWindow, specRe, specIm);
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  for (let o: usize = 0; o < binBytes; o += 16) {
    const xr = v128.load(specRe + o);
    const xi = v128.load(specIm + o);
    const mag = f32x4.sqrt(f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi)));
    const inv = f32x4.div(one, mag);
    const nonzero = f32x4.gt(mag, zero);
    v128.store(frame + o, mag);
    v128.store(re + o, v128.bitselect(f32x4.mul(xr, inv), one, nonzero));
    v128.store(im + o, v128.bitselect(f32x4.mul(xi, inv), zero, nonzero));
  }
}

/** One output frame's spectrum: magnitudes blended at `alpha` between frames A and B, at the accumulated phase. */
function vocode(alpha: f64): void {
  const a = f32x4.splat(<f32>alpha);
  const b = f32x4.splat(<f32>(1 - alpha));
  const reA = frameA + binBytes;
  const imA = reA + binBytes;
  const reB = frameB + binBytes;
  const imB = reB + binBytes;
  for (let o: usize = 0; o < binBytes; o += 16) {
    const mag = f32x4.add(f32x4.mul(b, v128.load(frameA + o)), f32x4.mul(a, v128.load(frameB + o)));
    const pr = v128.load(phaseRe + o);
    const pi = v128.load(phaseIm + o);
    v128.store(specRe + o, f32x4.mul(mag, pr));
    v128.store(specIm + o, f32x4.mul(mag, pi));
    // librosa adds angle(B) − angle(A): multiply by B·conj(A).
    const ar = v128.load(reA + o);
    const ai = v128.load(imA + o);
    const br = v128.load(reB + o);
    const bi = v128.load(imB + o);
    const dr = f32x4.add(f32x4.mul(br, ar), f32x4.mul(bi, ai));
    const di = f32x4.sub(f32x4.mul(bi, ar), f32x4.mul(br, ai));
    v128.store(phaseRe + o, f32x4.sub(f32x4.mul(pr, dr), f32x4.mul(pi, di)));
    v128.store(phaseIm + o, f32x4.add(f32x4.mul(pr, di), f32x4.mul(pi, dr)));
  }
}

/** Inverse FFT of the spectrum, windowed and overlap-added at frame t (with its window sum square). */
function synthesise(t: i32, acc: usize, wss: usize): void {
  inverseReal(specRe, specIm);
  const evens = resultRe();
  const odds = resultIm();
  const start = (<usize>t * <usize>hop) << 2;
  const a = acc + start;
  const s = wss + start;
  const nb = <usize>nFft << 2;
  for (let o: usize = 0; o < nb; o += 32) {
    const er = v128.load(evens + (o >> 1));
    const od = v128.load(odds + (o >> 1));
    const x0 = f32x4.shuffle(er, od, 0, 4, 1, 5);
    const x1 = f32x4.shuffle(er, od, 2, 6, 3, 7);
    v128.store(a + o, f32x4.add(v128.load(a + o), f32x4.mul(x0, v128.load(synthesisWindow + o))));
    v128.store(a + o, f32x4.add(v128.load(a + o, 16), f32x4.mul(x1, v128.load(synthesisWindow + o, 16))), 16);
    v128.store(s + o, f32x4.add(v128.load(s + o), v128.load(windowSquared + o)));
    v128.store(s + o, f32x4.add(v128.load(s + o, 16), v128.load(windowSquared + o, 16)), 16);
  }
}

/**
 * Stretches the signal at `input` (n samples with n_fft/2 zeros each side; `frames` = 1 + n div hop STFT frames)
 * by `rate` into `outFrames` frames, written as `length` samples at `out`. `acc` and `wss` hold
 * (outFrames − 1)·hop + n_fft + 4 floats each, `out` length + 4.
 */
export function stretch(input: usize, frames: i32, rate: f64, outFrames: i32, length: i32, acc: usize, wss: usize, out: usize): void {
  const span = (<usize>((outFrames - 1) * hop + nFft + 4)) << 2;
  memory.fill(acc, 0, span);
  memory.fill(wss, 0, span);
  // The accumulated phase starts as the phase of input frame 0.
  analyse(frameA, input, 0, frames);
  indexA = 0;
  indexB = -1;
  memory.copy(phaseRe, frameA + binBytes, binBytes);
  memory.copy(phaseIm, frameA + 2 * binBytes, binBytes);
  for (let t = 0; t < outFrames; t++) {
    const step = <f64>t * rate;
    const i0 = <i32>Math.floor(step);
    if (indexA != i0) {
      if (indexB == i0) {
        const f = frameA;
        frameA = frameB;
        frameB = f;
        indexB = indexA;
      } else {
        analyse(frameA, input, i0, frames);
      }
      indexA = i0;
    }
    if (indexB != i0 + 1) {
      analyse(frameB, input, i0 + 1, frames);
      indexB = i0 + 1;
    }
    vocode(step - <f64>i0);
    synthesise(t, acc, wss);
  }
  // out[i] = overlap-added signal / window sum square at padded index i + n_fft/2, for the samples frames reach.
  const kept = min(length, (nFft >> 1) + hop * (outFrames - 1));
  const keptBytes = <usize>kept << 2;
  const offset = <usize>(nFft >> 1) << 2;
  const tiny = f32x4.splat(TINY);
  for (let o: usize = 0; o < keptBytes; o += 16) {
    const sum = v128.load(acc + offset + o);
    const norm = v128.load(wss + offset + o);
    v128.store(out + o, v128.bitselect(f32x4.div(sum, norm), sum, f32x4.gt(norm, tiny)));
  }
  memory.fill(out + keptBytes, 0, <usize>(length - kept) << 2);
}
