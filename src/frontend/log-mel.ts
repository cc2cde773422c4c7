// The float frontends (frontend.type log_mel and mfcc), with librosa's semantics: power spectrogram -> mel
// filterbank -> ln(mel + log_offset) or power_to_db(ref=1, amin=1e-10, top_db) -> for mfcc the orthonormal DCT-II.
// Computed in float64 (a float32 FFT uses half the conformance tolerance on a chirp), emitted as float32
// [frames, channels]. Two engines: 'simd' (assembly/logmel.ts, the default) and 'reference' (this file's loop over
// fft.js); both float64, they agree to about 1e-12 and the conformance tests run both.
import type { FloatFrontendSettings } from '../config/schema.js';
import { frontendGeometry, frontendShape } from '../config/derive.js';
import { checkSharedFrontendKeys } from './band-checks.js';
import { Dct } from './dct.js';
import { MelFilterbank } from './mel-filterbank.js';
import { PowerSpectrum } from './power-spectrum.js';
import { SimdLogMel } from './log-mel-simd.js';
import type { Engine } from '../wasm/engine.js';

/** power_to_db's amin: energies below it count as it (−100 dB). */
export const AMIN = 1e-10;
/** The longest FFT (and so window) the float frontends take. */
export const MAX_FFT_LENGTH = 65536;

/** Problems of float frontend settings the schema cannot see, as `frontend.<key>` paths. Empty when fine. */
export function checkFloatFrontendSettings(s: FloatFrontendSettings): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const add = (key: string, message: string) => issues.push({ path: `frontend.${key}`, message });
  const g = frontendGeometry(s);
  checkSharedFrontendKeys(s, g, add);
  if (g.window >= 4 && g.window > MAX_FFT_LENGTH)
    add('window_size_ms', `window of ${g.window} samples is longer than the longest FFT (${MAX_FFT_LENGTH})`);
  else if (g.window >= 4 && s.fft_length < g.window)
    add('fft_length', `${s.fft_length} is shorter than the window (${g.window} samples); give at least that`);
  if (!s.center && g.samples < s.fft_length)
    add(
      'sample_length_ms',
      `sample of ${g.samples} samples is shorter than one FFT (${s.fft_length}) without center: no frame fits`,
    );
  if (s.type === 'mfcc' && s.n_mfcc > s.filterbank_n_channels)
    add('n_mfcc', `${s.n_mfcc} coefficients from ${s.filterbank_n_channels} mel channels: at most that many`);
  if (issues.length === 0) {
    const empty = melFilterbankOf(s).emptyChannels();
    if (empty.length > 0) {
      add(
        'filterbank_n_channels',
        `${empty.length} mel channel(s) (${empty.slice(0, 5).join(', ')}${empty.length > 5 ? ', ...' : ''}) fall between ` +
          `two FFT bins and would always be empty: use fewer channels or a longer fft_length (${s.fft_length} now)`,
      );
    }
  }
  return issues;
}

export function melFilterbankOf(s: FloatFrontendSettings): MelFilterbank {
  return new MelFilterbank({
    sampleRate: s.sample_rate_hz,
    fftLength: s.fft_length,
    channels: s.filterbank_n_channels,
    fmin: s.filterbank_lower_band_limit,
    fmax: s.filterbank_upper_band_limit,
    scale: s.mel_scale,
    norm: s.mel_norm,
  });
}

/** log_mel or mfcc features of a clip of float audio in [-1, 1]. */
export class LogMelFrontend {
  readonly frames: number;
  /** Output width: filterbank_n_channels, or n_mfcc. */
  readonly channels: number;
  readonly samples: number;
  private readonly spectrum: PowerSpectrum;
  private readonly filterbank: MelFilterbank;
  private readonly dct: Dct | null;
  private readonly simd: SimdLogMel | null;
  private readonly power: Float64Array;
  /** The clip's log-mel energies, frame-major (db needs the whole clip's maximum before its floor). */
  private readonly logMel: Float64Array;
  private readonly row: Float64Array;

  constructor(
    private readonly s: FloatFrontendSettings,
    readonly engine: Engine = 'simd',
  ) {
    const issues = checkFloatFrontendSettings(s);
    if (issues.length > 0)
      throw new Error(`invalid frontend settings: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    const g = frontendGeometry(s);
    this.samples = g.samples;
    this.frames = g.frames;
    this.channels = frontendShape(s).channels;
    this.spectrum = new PowerSpectrum({ fftLength: s.fft_length, window: g.window, step: g.step, center: s.center });
    this.filterbank = melFilterbankOf(s);
    this.dct = s.type === 'mfcc' ? new Dct(s.filterbank_n_channels, s.n_mfcc) : null;
    this.row = new Float64Array(this.channels);
    if (engine === 'simd') {
      const geometry = { ...g, fftLength: s.fft_length, pad: this.spectrum.padding, window: this.spectrum.frameWindow };
      this.simd = new SimdLogMel(geometry, this.filterbank);
      this.power = new Float64Array(0);
      this.logMel = this.simd.values;
    } else {
      this.simd = null;
      this.power = new Float64Array(this.spectrum.bins);
      this.logMel = new Float64Array(this.frames * s.filterbank_n_channels);
    }
  }

  /** Features of one clip of exactly `samples` samples into `out` (frames × channels, float32). */
  process(audio: Float32Array, out: Float32Array): void {
    if (audio.length !== this.samples) throw new Error(`frontend expects ${this.samples} samples, got ${audio.length}`);
    if (out.length < this.frames * this.channels) {
      throw new Error(`frontend output holds ${out.length} values, needs ${this.frames * this.channels}`);
    }
    const { s, logMel } = this;
    const offset = s.log === 'ln' ? s.log_offset : 0;
    const max = this.simd ? this.simd.run(audio, s.log, offset) : this.logMelReference(audio, offset);
    const n = this.frames * this.filterbank.channels;
    if (s.log === 'db' && s.top_db !== null) {
      const floor = max - s.top_db;
      for (let i = 0; i < n; i++) if (logMel[i] < floor) logMel[i] = floor;
    }
    if (this.dct === null) {
      out.set(logMel);
      return;
    }
    const { row, dct } = this;
    const mels = this.filterbank.channels;
    for (let t = 0; t < this.frames; t++) {
      dct.apply(logMel, t * mels, row, 0);
      out.set(row, t * this.channels);
    }
  }

  /** The 'reference' engine's log-mel energies into logMel; returns their maximum. */
  private logMelReference(audio: Float32Array, offset: number): number {
    const { s, power, logMel, filterbank } = this;
    const mels = filterbank.channels;
    for (let t = 0; t < this.frames; t++) {
      this.spectrum.frameInto(audio, t, power);
      filterbank.apply(power, logMel, t * mels);
    }
    const n = this.frames * mels;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const mel = logMel[i];
      const v = s.log === 'ln' ? Math.log(mel + offset) : 10 * Math.log10(mel > AMIN ? mel : AMIN);
      logMel[i] = v;
      if (v > max) max = v;
    }
    return max;
  }
}
