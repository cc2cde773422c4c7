// The float frontends' mel filterbank, as librosa.filters.mel builds it (in float64): triangles between mel-spaced
// edges over the FFT bins' frequencies, scaled to unit area (slaney) or left at peak 1. Stored sparse: each channel
// keeps only its run of non-zero weights, so applying it costs about two multiply-adds per bin.
import type { MelNorm, MelScale } from '../config/schema.js';

// Slaney's (Auditory Toolbox) scale: linear below 1 kHz (3 mels per 200 Hz), logarithmic above.
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

/** librosa.hz_to_mel. */
export function hzToMel(hz: number, scale: MelScale): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

/** librosa.mel_to_hz. */
export function melToHz(mel: number, scale: MelScale): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/** librosa.mel_frequencies: n frequencies evenly spaced in mels from fmin to fmax (numpy.linspace's arithmetic). */
export function melFrequencies(n: number, fmin: number, fmax: number, scale: MelScale): Float64Array {
  const lo = hzToMel(fmin, scale);
  const hi = hzToMel(fmax, scale);
  const step = (hi - lo) / (n - 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = melToHz(i === n - 1 ? hi : lo + i * step, scale);
  return out;
}

export interface MelFilterbankOptions {
  sampleRate: number;
  fftLength: number;
  channels: number;
  fmin: number;
  fmax: number;
  scale: MelScale;
  norm: MelNorm;
}

export class MelFilterbank {
  readonly channels: number;
  /** FFT bins the filterbank reads (fftLength / 2 + 1). */
  readonly bins: number;
  /** Channel c's weights are weights[offset[c] .. offset[c + 1]), applied to bins start[c] onwards. */
  readonly start: Int32Array;
  readonly offset: Int32Array;
  readonly weights: Float64Array;

  constructor(o: MelFilterbankOptions) {
    this.channels = o.channels;
    this.bins = o.fftLength / 2 + 1;
    // numpy.fft.rfftfreq: bin k sits at k · sr / n_fft.
    const binHz = 1 / (o.fftLength * (1 / o.sampleRate));
    const edges = melFrequencies(o.channels + 2, o.fmin, o.fmax, o.scale);
    const rows: { start: number; values: number[] }[] = [];
    for (let c = 0; c < o.channels; c++) {
      const [left, centre, right] = [edges[c], edges[c + 1], edges[c + 2]];
      const norm = o.norm === 'slaney' ? 2 / (right - left) : 1;
      let start = -1;
      const values: number[] = [];
      for (let k = 0; k < this.bins; k++) {
        const f = k * binHz;
        // librosa: max(0, min(-ramp[c] / fdiff[c], ramp[c + 2] / fdiff[c + 1])) with ramp[i] = edge[i] − f.
        const w = Math.max(0, Math.min(-(left - f) / (centre - left), (right - f) / (right - centre)));
        if (w > 0) {
          if (start < 0) start = k;
          // Zeros inside a run (none for a triangle) are kept so the run stays contiguous.
          for (let gap = start + values.length; gap < k; gap++) values.push(0);
          values.push(w * norm);
        }
      }
      rows.push({ start: Math.max(start, 0), values });
    }
    this.start = Int32Array.from(rows, (r) => r.start);
    this.offset = new Int32Array(o.channels + 1);
    for (let c = 0; c < o.channels; c++) this.offset[c + 1] = this.offset[c] + rows[c].values.length;
    this.weights = new Float64Array(this.offset[o.channels]);
    rows.forEach((r, c) => {
      this.weights.set(r.values, this.offset[c]);
    });
  }

  /** Channels without a single non-zero weight: too narrow for the FFT's bins (librosa warns "Empty filters"). */
  emptyChannels(): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.channels; c++) if (this.offset[c + 1] === this.offset[c]) out.push(c);
    return out;
  }

  /** mel[at + c] = Σ weights of channel c × power[start[c] + j], for every channel. */
  apply(power: Float64Array, mel: Float64Array, at = 0): void {
    const { start, offset, weights } = this;
    for (let c = 0; c < this.channels; c++) {
      let sum = 0;
      const end = offset[c + 1];
      for (let i = offset[c], k = start[c]; i < end; i++, k++) sum += weights[i] * power[k];
      mel[at + c] = sum;
    }
  }
}
