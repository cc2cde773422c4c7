// The float frontends (log_mel, mfcc) over an unbounded int16 stream, fed in chunks: frames as librosa computes
// them with center=False (frame t reads samples [t·step, t·step + fft_length)), PCM read as PCM / 32768 like a
// 16-bit WAV. Each frame is the clip frontend's frame without top_db's floor, which needs the whole clip's maximum.
import type { FloatFrontendSettings } from '../config/schema.js';
import { frontendGeometry, frontendShape } from '../config/derive.js';
import type { Engine } from '../wasm/engine.js';
import { Dct } from './dct.js';
import { FrameStream } from './frame-stream.js';
import { AMIN, checkFloatFrontendSettings, melFilterbankOf } from './log-mel.js';
import { SimdLogMel } from './log-mel-simd.js';
import type { MelFilterbank } from './mel-filterbank.js';
import { PowerSpectrum } from './power-spectrum.js';

export class LogMelStream extends FrameStream<Float32Array> {
  /** Output width: filterbank_n_channels, or n_mfcc. */
  readonly channels: number;
  private readonly spectrum: PowerSpectrum;
  private readonly filterbank: MelFilterbank;
  private readonly dct: Dct | null;
  private readonly simd: SimdLogMel | null;
  private readonly buffer: Float32Array;
  private readonly power: Float64Array;
  /** Log-mel energies of the batch, frame-major. */
  private readonly logMel: Float64Array;
  private readonly row: Float64Array;
  private readonly out: Float32Array;

  constructor(
    private readonly s: FloatFrontendSettings,
    engine: Engine = 'simd',
    batch = 256,
  ) {
    const issues = checkFloatFrontendSettings({ ...s, center: false });
    // The clip length does not matter to a stream: only the rules about one frame do.
    const relevant = issues.filter((i) => i.path !== 'frontend.sample_length_ms');
    if (relevant.length > 0)
      throw new Error(`invalid frontend settings: ${relevant.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    const g = frontendGeometry(s);
    super(s.fft_length, g.step, batch);
    this.channels = frontendShape(s).channels;
    this.spectrum = new PowerSpectrum({ fftLength: s.fft_length, window: g.window, step: g.step, center: false });
    this.filterbank = melFilterbankOf(s);
    this.dct = s.type === 'mfcc' ? new Dct(s.filterbank_n_channels, s.n_mfcc) : null;
    this.row = new Float64Array(this.channels);
    this.out = new Float32Array(batch * this.channels);
    if (engine === 'simd') {
      const geometry = {
        samples: this.capacity,
        frames: batch,
        step: g.step,
        fftLength: s.fft_length,
        pad: 0,
        window: this.spectrum.frameWindow,
      };
      this.simd = new SimdLogMel(geometry, this.filterbank);
      this.buffer = this.simd.clip;
      this.power = new Float64Array(0);
      this.logMel = this.simd.values;
    } else {
      this.simd = null;
      this.buffer = new Float32Array(this.capacity);
      this.power = new Float64Array(this.spectrum.bins);
      this.logMel = new Float64Array(batch * this.filterbank.channels);
    }
  }

  protected take(pcm: Int16Array, from: number, at: number, count: number): void {
    const buffer = this.buffer;
    for (let i = 0; i < count; i++) buffer[at + i] = pcm[from + i] / 32768;
  }

  protected compute(frames: number): Float32Array {
    const { s, logMel, out } = this;
    const mels = this.filterbank.channels;
    const offset = s.log === 'ln' ? s.log_offset : 0;
    if (this.simd !== null) this.simd.runFrames(frames, s.log, offset);
    else {
      for (let t = 0; t < frames; t++) {
        this.spectrum.frameInto(this.buffer, t, this.power);
        this.filterbank.apply(this.power, logMel, t * mels);
      }
      const n = frames * mels;
      for (let i = 0; i < n; i++) {
        const mel = logMel[i];
        logMel[i] = s.log === 'ln' ? Math.log(mel + offset) : 10 * Math.log10(mel > AMIN ? mel : AMIN);
      }
    }
    if (this.dct === null) {
      const n = frames * mels;
      for (let i = 0; i < n; i++) out[i] = logMel[i];
      return out;
    }
    const { row, dct, channels } = this;
    for (let t = 0; t < frames; t++) {
      dct.apply(logMel, t * mels, row, 0);
      out.set(row, t * channels);
    }
    return out;
  }

  protected keep(from: number, to: number): void {
    this.buffer.copyWithin(0, from, to);
  }
}
