// Vocal tract length perturbation (Jaitly & Hinton 2013): the frequency axis of the STFT is warped piecewise
// linearly, f -> f·α up to a boundary, then a straight segment that keeps Nyquist fixed; the warped STFT is
// inverted to the input's length.
//
// Each output bin pulls its value from the source frequency warp⁻¹(f), linearly interpolated between the two
// nearest bins (no gaps when α > 1, no pile-up when α < 1). Interpolation runs on the zero-phase spectrum
// (frame centre as time origin, i.e. bin k times (−1)^k): there neighbouring bins of one partial share their
// phase, while the frame-start spectrum alternates sign bin to bin and would cancel itself when interpolated.
//
// Two phase modes:
// - 'moved' (default; MLTK's and nlpaug's way): the complex value moves, phase included. Cheap, but a partial
//   moved from f to f·α keeps advancing its phase at f's rate, so overlapping frames disagree: a steady tone
//   lands on the nearest f + m·sampleRate/hop and loses up to ~14 dB, depending on f and α.
// - 'coherent': magnitudes move; each output bin's phase advances at the warped instantaneous frequency of its
//   dominant source bin (phase-vocoder style). Tones land on f·α within ~2 dB; costs one atan2 and one
//   sin/cos per bin per frame.
import { StftPlan, type StftOptions } from '../dsp/stft.js';

export type VtlpPhase = 'moved' | 'coherent';

export interface VtlpOptions extends StftOptions {
  phase?: VtlpPhase;
}

const TWO_PI = 2 * Math.PI;

/** Jaitly & Hinton's boundary frequency (for 16 kHz audio). */
export const VTLP_F_HI = 4800;

/**
 * The boundary used at a given Nyquist frequency: 4800 Hz, but at most 0.6·Nyquist (4800 Hz is 0.6 of 16 kHz's
 * Nyquist), so at low rates the upper segment keeps a slope instead of collapsing onto Nyquist.
 */
export function vtlpFHi(nyquist: number): number {
  return Math.min(VTLP_F_HI, 0.6 * nyquist);
}

/** Where the first, proportional segment ends and the straight segment to Nyquist starts (source Hz). */
function boundary(nyquist: number, alpha: number): number {
  return (vtlpFHi(nyquist) * Math.min(alpha, 1)) / alpha;
}

/** The VTLP warp of frequency f (Hz): f·α below the boundary, a line to (Nyquist, Nyquist) above it. */
export function vtlpWarp(f: number, sampleRate: number, alpha: number): number {
  const nyquist = sampleRate / 2;
  const b = boundary(nyquist, alpha);
  if (f <= b) return f * alpha;
  return nyquist - ((nyquist - b * alpha) / (nyquist - b)) * (nyquist - f);
}

/** The inverse warp: the source frequency that lands on f. */
export function vtlpUnwarp(f: number, sampleRate: number, alpha: number): number {
  const nyquist = sampleRate / 2;
  const b = boundary(nyquist, alpha);
  if (f <= b * alpha) return f / alpha;
  return nyquist - ((nyquist - b) / (nyquist - b * alpha)) * (nyquist - f);
}

/** Scratch per STFT plan: the analysed frame, the warped frame, the source position of each output bin, phases. */
class Warper {
  readonly spectrum: Float64Array;
  readonly warped: Float64Array;
  readonly sourceBin: Int32Array;
  readonly sourceFrac: Float64Array;
  // 'coherent' state: source magnitude, phase and instantaneous frequency (in bins); output phase.
  readonly mag: Float64Array;
  readonly phase: Float64Array;
  readonly inst: Float64Array;
  readonly psi: Float64Array;
  // The warp in bin units: f·alpha up to `boundaryBin`, then last − slope·(last − f).
  private alpha = 1;
  private boundaryBin = 0;
  private slope = 1;

  constructor(readonly plan: StftPlan) {
    const bins = plan.bins;
    this.spectrum = new Float64Array(plan.stride);
    this.warped = new Float64Array(plan.stride);
    this.sourceBin = new Int32Array(bins);
    this.sourceFrac = new Float64Array(bins);
    this.mag = new Float64Array(bins);
    this.phase = new Float64Array(bins);
    this.inst = new Float64Array(bins);
    this.psi = new Float64Array(bins);
  }

  setup(sampleRate: number, alpha: number): void {
    const bins = this.plan.bins;
    const binHz = sampleRate / this.plan.nFft;
    const last = bins - 1;
    for (let j = 0; j < bins; j++) {
      const p = Math.min(last, Math.max(0, vtlpUnwarp(j * binHz, sampleRate, alpha) / binHz));
      const i = Math.min(last - 1, Math.floor(p));
      this.sourceBin[j] = i;
      this.sourceFrac[j] = p - i;
    }
    const nyquist = sampleRate / 2;
    const b = boundary(nyquist, alpha);
    this.alpha = alpha;
    this.boundaryBin = b / binHz;
    this.slope = (nyquist - b * alpha) / (nyquist - b);
  }

  /** 'moved': out[j] = zero-phase interpolation of the source at warp⁻¹(j). */
  warpMoved(): void {
    const { spectrum: x, warped: out, sourceBin, sourceFrac } = this;
    const bins = this.plan.bins;
    for (let j = 0; j < bins; j++) {
      const i = sourceBin[j];
      const f = sourceFrac[j];
      // (−1)^j · [(1−f)·(−1)^i·X[i] + f·(−1)^(i+1)·X[i+1]].
      const sign = (i + j) & 1 ? -1 : 1;
      const a = sign * (1 - f);
      const b = -sign * f;
      out[2 * j] = a * x[2 * i] + b * x[2 * i + 2];
      out[2 * j + 1] = a * x[2 * i + 1] + b * x[2 * i + 3];
    }
  }

  /** 'coherent': interpolated magnitude; phase advanced at the warped instantaneous frequency. */
  warpCoherent(t: number): void {
    const { spectrum: x, warped: out, sourceBin, sourceFrac, mag, phase, inst, psi } = this;
    const bins = this.plan.bins;
    const last = bins - 1;
    // Phase advance of bin 1 over one hop; bin k advances k times this.
    const advance = (TWO_PI * this.plan.hop) / this.plan.nFft;
    for (let k = 0; k < bins; k++) {
      const sign = k & 1 ? -1 : 1;
      const xr = sign * x[2 * k];
      const xi = sign * x[2 * k + 1];
      const ph = Math.atan2(xi, xr);
      mag[k] = Math.sqrt(xr * xr + xi * xi);
      let d = ph - phase[k] - k * advance;
      d -= TWO_PI * Math.round(d / TWO_PI);
      inst[k] = k + d / advance;
      phase[k] = ph;
    }
    const { alpha, boundaryBin, slope } = this;
    for (let j = 0; j < bins; j++) {
      const i = sourceBin[j];
      const f = sourceFrac[j];
      const a = (1 - f) * mag[i];
      const b = f * mag[i + 1];
      let p: number;
      if (t === 0) {
        // Start from the phase of the interpolated zero-phase value.
        const s = i & 1 ? -1 : 1;
        p = Math.atan2(s * ((1 - f) * x[2 * i + 1] - f * x[2 * i + 3]), s * ((1 - f) * x[2 * i] - f * x[2 * i + 2]));
      } else {
        // Both segments extend linearly past DC and Nyquist, where instantaneous frequencies can stray.
        const fb = inst[a >= b ? i : i + 1];
        const warped = fb <= boundaryBin ? fb * alpha : last - slope * (last - fb);
        p = psi[j] + warped * advance;
        p -= TWO_PI * Math.round(p / TWO_PI);
      }
      psi[j] = p;
      const m = j & 1 ? -(a + b) : a + b;
      out[2 * j] = m * Math.cos(p);
      out[2 * j + 1] = m * Math.sin(p);
    }
  }
}

const warpers = new Map<StftPlan, Warper>();

/** y with its STFT frequency axis warped by α (> 1 moves formants up, < 1 down); same length as y. */
export function vtlp(y: Float32Array, sampleRate: number, alpha: number, options: VtlpOptions = {}): Float32Array {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate))
    throw new Error(`sample rate must be positive, got ${sampleRate}`);
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new Error(`VTLP factor must be a positive number, got ${alpha}`);
  const mode = options.phase ?? 'moved';
  if (mode !== 'moved' && mode !== 'coherent')
    throw new Error(`VTLP phase mode must be 'moved' or 'coherent', got '${mode}'`);
  const plan = StftPlan.of(options.nFft, options.hop, options.engine);
  let w = warpers.get(plan);
  if (!w) {
    w = new Warper(plan);
    warpers.set(plan, w);
  }
  w.setup(sampleRate, alpha);
  const frames = plan.frameCount(y.length);
  plan.beginSynthesis(frames, y.length);
  const used = plan.synthesisFrames;
  for (let t = 0; t < used; t++) {
    plan.analyze(y, t, w.spectrum);
    if (mode === 'moved') w.warpMoved();
    else w.warpCoherent(t);
    plan.synthesize(t, w.warped);
  }
  return plan.finish();
}
