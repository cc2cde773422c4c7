// Time stretch as librosa.effects.time_stretch: STFT, phase vocoder (librosa.phase_vocoder), ISTFT to round(n / rate).
// The vocoder streams: each output frame needs input frames floor(t·rate) and +1 only, so input frames are
// analysed on demand and output frames overlap-added at once; no spectrogram is held. The 'simd' engine (the
// default) runs it in WebAssembly (vocoder-simd.ts); the JavaScript one here is the float64 'reference' engine, and
// serves the 'simd' engine's frame sizes the module does not take (over the STFT's PFFFT).
import { checkHop, StftPlan, stftFrameCount, synthesisFrameCount, type StftOptions } from '../dsp/stft.js';
import { simdVocoder, simdVocoderFits } from './vocoder-simd.js';

/** Python's round(): halves go to the even neighbour (librosa sizes outputs with int(round(n / rate))). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** One analysed input frame: magnitudes and unit phasors per bin (the phasor of a zero bin is 1, as angle(0) = 0). */
class VocoderFrame {
  index = -1;
  readonly mag: Float64Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
  constructor(bins: number) {
    this.mag = new Float64Array(bins);
    this.re = new Float64Array(bins);
    this.im = new Float64Array(bins);
  }
}

/** Scratch for one StftPlan, reused across calls. */
class Vocoder {
  readonly spectrum: Float64Array;
  readonly out: Float64Array;
  readonly phaseRe: Float64Array;
  readonly phaseIm: Float64Array;
  a: VocoderFrame;
  b: VocoderFrame;
  constructor(readonly plan: StftPlan) {
    this.spectrum = new Float64Array(plan.stride);
    this.out = new Float64Array(plan.stride);
    this.phaseRe = new Float64Array(plan.bins);
    this.phaseIm = new Float64Array(plan.bins);
    this.a = new VocoderFrame(plan.bins);
    this.b = new VocoderFrame(plan.bins);
  }

  load(frame: VocoderFrame, y: Float32Array, index: number, frames: number): void {
    frame.index = index;
    const { mag, re, im } = frame;
    const bins = this.plan.bins;
    if (index >= frames) {
      // librosa pads the spectrogram with zero columns past its end.
      mag.fill(0);
      re.fill(1);
      im.fill(0);
      return;
    }
    const s = this.spectrum;
    this.plan.analyze(y, index, s);
    for (let k = 0; k < bins; k++) {
      const xr = s[2 * k];
      const xi = s[2 * k + 1];
      const m = Math.sqrt(xr * xr + xi * xi);
      mag[k] = m;
      if (m > 0) {
        const inv = 1 / m;
        re[k] = xr * inv;
        im[k] = xi * inv;
      } else {
        re[k] = 1;
        im[k] = 0;
      }
    }
  }
}

const vocoders = new Map<StftPlan, Vocoder>();

function vocoderFor(plan: StftPlan): Vocoder {
  let v = vocoders.get(plan);
  if (!v) {
    v = new Vocoder(plan);
    vocoders.set(plan, v);
  }
  return v;
}

/** Output frames librosa.phase_vocoder gives for `frames` input frames: len(np.arange(0, frames, rate)). */
export function vocoderFrameCount(frames: number, rate: number): number {
  return Math.max(0, Math.ceil(frames / rate));
}

export type TimeStretchOptions = StftOptions & { length?: number };

/**
 * Phase-vocoder time stretch of y by `rate` (> 1 faster/shorter, < 1 slower/longer) to `length` samples
 * (default round(n / rate), as librosa.effects.time_stretch).
 */
export function timeStretch(y: Float32Array, rate: number, options: TimeStretchOptions = {}): Float32Array {
  return stretch(y, rate, options, true);
}

/** timeStretch whose result may be a view of wasm memory that the next stretch overwrites: for callers that use it at once. */
export function timeStretchTransient(y: Float32Array, rate: number, options: TimeStretchOptions = {}): Float32Array {
  return stretch(y, rate, options, false);
}

function stretch(y: Float32Array, rate: number, options: TimeStretchOptions, copy: boolean): Float32Array {
  if (!(rate > 0) || !Number.isFinite(rate))
    throw new Error(`time stretch rate must be a positive number, got ${rate}`);
  const length = options.length ?? roundHalfEven(y.length / rate);
  const { nFft = 2048, engine = 'simd' } = options;
  const hop = options.hop ?? nFft / 4;
  if (engine === 'simd' && simdVocoderFits(nFft)) {
    checkHop(nFft, hop);
    const frames = stftFrameCount(y.length, hop);
    const outFrames = synthesisFrameCount(vocoderFrameCount(frames, rate), length, nFft, hop);
    const out = simdVocoder(nFft, hop).stretch(y, frames, rate, outFrames, length);
    return copy ? out.slice() : out;
  }
  return stretchJs(y, rate, length, StftPlan.of(nFft, hop, engine));
}

/** The JavaScript vocoder over an StftPlan (float64 throughout with the 'reference' engine). */
function stretchJs(y: Float32Array, rate: number, length: number, plan: StftPlan): Float32Array {
  const v = vocoderFor(plan);
  const bins = plan.bins;
  const inFrames = plan.frameCount(y.length);
  plan.beginSynthesis(vocoderFrameCount(inFrames, rate), length);
  const outFrames = plan.synthesisFrames;
  const { out, phaseRe, phaseIm } = v;

  // The accumulated phase starts as the phase of input frame 0.
  v.a.index = -1;
  v.b.index = -1;
  v.load(v.a, y, 0, inFrames);
  phaseRe.set(v.a.re);
  phaseIm.set(v.a.im);

  for (let t = 0; t < outFrames; t++) {
    const step = t * rate;
    const i0 = Math.floor(step);
    const alpha = step - i0;
    if (v.a.index !== i0) {
      if (v.b.index === i0) {
        const tmp = v.a;
        v.a = v.b;
        v.b = tmp;
      } else {
        v.load(v.a, y, i0, inFrames);
      }
    }
    if (v.b.index !== i0 + 1) v.load(v.b, y, i0 + 1, inFrames);
    const { mag: magA, re: reA, im: imA } = v.a;
    const { mag: magB, re: reB, im: imB } = v.b;
    for (let k = 0; k < bins; k++) {
      const m = (1 - alpha) * magA[k] + alpha * magB[k];
      const pr = phaseRe[k];
      const pi = phaseIm[k];
      out[2 * k] = m * pr;
      out[2 * k + 1] = m * pi;
      // librosa adds angle(B) − angle(A) (its 2π unwrapping cancels inside exp(i·phase)): multiply by B·conj(A).
      const dr = reB[k] * reA[k] + imB[k] * imA[k];
      const di = imB[k] * reA[k] - reB[k] * imA[k];
      phaseRe[k] = pr * dr - pi * di;
      phaseIm[k] = pr * di + pi * dr;
    }
    plan.synthesize(t, out);
  }
  return plan.finish();
}
