// The microfrontend over an unbounded int16 stream, fed in chunks: every stage's state (DC notch, noise estimate
// and so PCAN's gain, activity detection) starts reset once and carries from frame to frame, as on a device that
// keeps listening. Frame for frame the same as AudioFeatureGenerator run once over the whole signal.
import type { MicrofrontendSettings } from '../config/schema.js';
import type { Engine } from '../wasm/engine.js';
import { dcNotchRun, type DcNotchState } from './dc-notch.js';
import { FrameStream } from './frame-stream.js';
import { finishFrame, microfrontendStages, referenceFrame, type MicrofrontendStages } from './frontend.js';
import { SimdFrames } from './frames-simd.js';

export class MicrofrontendStream extends FrameStream<Uint16Array> {
  readonly channels: number;
  private readonly stages: MicrofrontendStages;
  private readonly simd: SimdFrames | null;
  /** The int16 samples frames are taken from (DC-notch filtered when the filter is on). */
  private readonly buffer: Int16Array;
  private readonly notch: DcNotchState = { prevIn: 0, prevOut: 0 };
  private readonly spectrum: Int32Array;
  private readonly signal: Uint32Array;
  private readonly out: Uint16Array;

  /** `engine` as AudioFeatureGenerator's; `batch` frames are computed at most at a time. */
  constructor(s: MicrofrontendSettings, engine: Engine = 'simd', batch = 256) {
    const st = microfrontendStages(s);
    super(st.window, st.step, batch);
    this.stages = st;
    this.channels = s.filterbank_n_channels;
    this.simd =
      engine === 'simd'
        ? new SimdFrames(
            st.coefficients,
            { samples: this.capacity, frames: batch, step: st.step, fftSize: st.fftSize },
            st.filterbank.layout,
            st,
          )
        : null;
    this.buffer = this.simd?.pcm ?? new Int16Array(this.capacity);
    this.spectrum = new Int32Array(this.simd ? 0 : st.fft.bins);
    this.signal = new Uint32Array(this.channels);
    this.out = new Uint16Array(batch * this.channels);
  }

  /** Whether the activity detector has tripped since the stream started (never, with detection off). */
  get activity(): boolean {
    return this.stages.activity?.tripped ?? false;
  }

  protected take(pcm: Int16Array, from: number, at: number, count: number): void {
    const coefficient = this.stages.dcNotch;
    if (coefficient === null) this.buffer.set(pcm.subarray(from, from + count), at);
    else dcNotchRun(coefficient, this.notch, pcm, from, this.buffer, at, count);
  }

  protected compute(frames: number): Uint16Array {
    const { stages, out, channels } = this;
    if (this.simd !== null) {
      this.simd.run('pcm', frames);
      // The stages after the filterbank in JS: their state (the noise estimate) carries over, the module's resets.
      for (let f = 0; f < frames; f++) finishFrame(stages, this.simd.signals[f], out, f * channels);
    } else {
      for (let f = 0; f < frames; f++) {
        referenceFrame(stages, this.buffer, f * stages.step, this.spectrum, this.signal);
        finishFrame(stages, this.signal, out, f * channels);
      }
    }
    return out;
  }

  protected keep(from: number, to: number): void {
    this.buffer.copyWithin(0, from, to);
  }
}
