// The float frontends' power spectrogram, as |librosa.stft(y, n_fft, hop_length, win_length, window="hann",
// center, pad_mode="constant")|² computes it, in float64: a periodic Hann window of the window length, centred in
// the FFT length, a float64 real FFT per frame.
import { RealFFT } from '../dsp/fft.js';
import { periodicHann } from '../dsp/stft.js';

export interface PowerSpectrumOptions {
  fftLength: number;
  window: number;
  step: number;
  /** Frames centred on their step: the clip padded with fftLength / 2 zeros at both ends. */
  center: boolean;
}

export class PowerSpectrum {
  readonly bins: number;
  private readonly fft: RealFFT;
  /** The Hann window, and where it starts inside the FFT frame (librosa.util.pad_center). */
  private readonly hann: Float64Array;
  private readonly windowAt: number;
  /** Samples of padding before the clip. */
  private readonly pad: number;
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;

  /** The window as it sits in the FFT frame: fftLength values, zero outside the window (what the frame is weighted by). */
  get frameWindow(): Float64Array {
    const w = new Float64Array(this.o.fftLength);
    w.set(this.hann, this.windowAt);
    return w;
  }

  /** Samples of zeros before the clip: fftLength / 2 with center, else none. */
  get padding(): number {
    return this.pad;
  }

  constructor(private readonly o: PowerSpectrumOptions) {
    if (o.window > o.fftLength) throw new Error(`window of ${o.window} samples exceeds the FFT of ${o.fftLength}`);
    this.fft = new RealFFT(o.fftLength);
    this.bins = this.fft.bins;
    this.hann = periodicHann(o.window);
    this.windowAt = (o.fftLength - o.window) >> 1;
    this.pad = o.center ? o.fftLength >> 1 : 0;
    // Outside the window the frame stays zero: only the window's samples are ever written.
    this.frame = new Float64Array(o.fftLength);
    this.spectrum = new Float64Array(o.fftLength + 2);
  }

  /** Frames librosa gives for a clip of n samples (0 when not even one fits). */
  frames(n: number): number {
    const span = this.o.center ? 0 : this.o.fftLength;
    return n >= span ? Math.floor((n - span) / this.o.step) + 1 : 0;
  }

  /** power[0 .. bins) = |X_k|² of frame t of the clip. */
  frameInto(clip: Float32Array, t: number, power: Float64Array): void {
    const { hann, frame, windowAt } = this;
    const n = clip.length;
    const window = hann.length;
    const first = t * this.o.step + windowAt - this.pad;
    if (first >= 0 && first + window <= n) {
      for (let j = 0; j < window; j++) frame[windowAt + j] = clip[first + j] * hann[j];
    } else {
      // The frame reaches into the zero padding (centred frames at the clip's ends).
      for (let j = 0; j < window; j++) {
        const i = first + j;
        frame[windowAt + j] = i >= 0 && i < n ? clip[i] * hann[j] : 0;
      }
    }
    const s = this.spectrum;
    this.fft.forward(frame, s);
    for (let k = 0; k < this.bins; k++) {
      const re = s[2 * k];
      const im = s[2 * k + 1];
      power[k] = re * re + im * im;
    }
  }
}
