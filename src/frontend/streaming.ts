// Any frontend type over an unbounded int16 stream, as one step: chunks of PCM in, frames in the frontend's output
// dtype out (what `audiogen stream` writes to features.npy). The microfrontend carries its state across the whole
// stream; the float frontends frame it without centring. The stream analogue of spectrogram.ts.
import type { FrontendDtype, FrontendSettings } from '../config/schema.js';
import { frontendGeometry, isFloatFrontend } from '../config/derive.js';
import { allocTyped, type TypedArray } from '../io/npy.js';
import type { Engine } from '../wasm/engine.js';
import { framesIn, type FrameSink } from './frame-stream.js';
import { LogMelStream } from './log-mel-stream.js';
import { MicrofrontendStream } from './micro-stream.js';
import { fixedInt8 } from './quantize.js';

/**
 * Why these settings cannot make a stream's features in `dtype`, as `path: message` problems (empty when they can):
 * dynamic int8 quantization maps each clip by its own maximum, and a stream of frames has no clips.
 */
export function checkStreamingSettings(s: FrontendSettings, dtype: FrontendDtype): { path: string; message: string }[] {
  if (isFloatFrontend(s) || dtype !== 'int8' || !s.quantize_dynamic_scale_enable) return [];
  return [
    {
      path: 'frontend.quantize_dynamic_scale_enable',
      message:
        "int8 features quantized dynamically depend on each clip's maximum, which a stream of frames does not have: " +
        'set generator.frontend_dtype: uint16 for the stream (and quantize each window as the model input is), ' +
        'or use the fixed mapping (quantize_dynamic_scale_enable: false)',
    },
  ];
}

export class StreamingFrontend {
  readonly channels: number;
  /** Samples from one frame to the next, and that one frame reads. */
  readonly step: number;
  readonly span: number;
  private readonly micro: MicrofrontendStream | null;
  private readonly float: LogMelStream | null;
  /** The batch converted to `dtype`, when that is not the frontend's own output. */
  private readonly converted: TypedArray | null;

  constructor(
    settings: FrontendSettings,
    readonly dtype: FrontendDtype,
    engine: Engine = 'simd',
    batch = 256,
  ) {
    const problems = checkStreamingSettings(settings, dtype);
    if (problems.length > 0) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    if (isFloatFrontend(settings)) {
      if (dtype !== 'float32') throw new Error(`frontend type ${settings.type} writes float32, not ${dtype}`);
      this.float = new LogMelStream(settings, engine, batch);
      this.micro = null;
      this.channels = this.float.channels;
      this.converted = null;
    } else {
      this.micro = new MicrofrontendStream(settings, engine, batch);
      this.float = null;
      this.channels = this.micro.channels;
      this.converted = dtype === 'uint16' ? null : allocTyped(dtype, batch * this.channels);
    }
    const stream = (this.micro ?? this.float)!;
    this.step = stream.step;
    this.span = stream.span;
  }

  /** Frames a stream of `samples` samples gives. */
  static framesIn(settings: FrontendSettings, samples: number): number {
    const g = frontendGeometry(settings);
    return framesIn(samples, isFloatFrontend(settings) ? settings.fft_length : g.window, g.step);
  }

  /** Frames handed on so far. */
  get frames(): number {
    return (this.micro ?? this.float)!.frames;
  }

  /** Whether the microfrontend's activity detector has tripped since the start (never for the float frontends). */
  get activity(): boolean {
    return this.micro?.activity ?? false;
  }

  /** Feeds the next samples; every frame they complete goes to `sink`, in `dtype`, before this returns. */
  push(pcm: Int16Array, sink: FrameSink<TypedArray>): void {
    if (this.float !== null) {
      this.float.push(pcm, sink);
      return;
    }
    const converted = this.converted;
    if (converted === null) {
      this.micro!.push(pcm, sink);
      return;
    }
    this.micro!.push(pcm, (values, frames) => {
      const count = frames * this.channels;
      if (converted instanceof Int8Array) fixedInt8(values, converted, count);
      else for (let i = 0; i < count; i++) converted[i] = values[i];
      sink(converted, frames);
    });
  }
}
