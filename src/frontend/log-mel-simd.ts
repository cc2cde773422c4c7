// The float frontends' 'simd' engine: assembly/logmel.ts (windowed float64 power spectrum, mel filterbank and log
// per frame, f64x2 SIMD) through its facade src/wasm/generated/logmel.ts. This file lays out the instance's memory
// after the module's FFT tables: the zero-padded clip, the window, the filterbank and the output; it writes the
// window and the filterbank once, the clip per call.
import { LogmelModule } from '../wasm/generated/logmel.js';
import { Heap, type Ptr } from '../wasm/heap.js';
import type { MelFilterbank } from './mel-filterbank.js';

export interface LogMelGeometry {
  samples: number;
  frames: number;
  step: number;
  fftLength: number;
  /** Samples of zeros before the clip (fftLength / 2 with center, else 0). */
  pad: number;
  /** The Hann window placed in the FFT frame: fftLength values, zero outside the window. */
  window: Float64Array;
}

export class SimdLogMel {
  private readonly module = new LogmelModule();
  /** The clip the frames are taken from (after the leading zero padding), a view of the module's memory. */
  readonly clip: Float32Array;
  private readonly frames: number;
  /** The log-mel energies of the last run (frames × channels), a view of the module's memory. */
  readonly values: Float64Array;
  private readonly args: Parameters<LogmelModule['logMel']>[0];

  constructor(g: LogMelGeometry, filterbank: MelFilterbank) {
    const heap = new Heap(this.module.memory, this.module.plan({ n: g.fftLength }));
    const channels = filterbank.channels;
    // Frame t reads fftLength samples from t·step of the padded clip; +4: the last load is a whole vector.
    const padded = Math.max(g.samples + 2 * g.pad, (g.frames - 1) * g.step + g.fftLength) + 4;
    const clipAt = heap.alloc(padded * 4);
    const windowAt = heap.alloc(g.fftLength * 8);
    const startAt = heap.alloc(channels * 4);
    const offsetAt = heap.alloc((channels + 1) * 4);
    const weightsAt = heap.alloc(Math.max(1, filterbank.weights.length) * 8);
    const outAt = heap.alloc(g.frames * channels * 8);
    heap.reserve();
    // The split step's ½ goes into the window (exact in binary).
    heap.view(Float64Array, windowAt, g.fftLength).set(g.window.map((w) => w / 2));
    heap.view(Int32Array, startAt, channels).set(filterbank.start);
    heap.view(Int32Array, offsetAt, channels + 1).set(filterbank.offset);
    heap.view(Float64Array, weightsAt, filterbank.weights.length).set(filterbank.weights);
    this.clip = heap.view(Float32Array, (clipAt + g.pad * 4) as Ptr, g.samples);
    this.values = heap.view(Float64Array, outAt, g.frames * channels);
    this.frames = g.frames;
    this.args = {
      clip: clipAt,
      frames: g.frames,
      step: g.step,
      window: windowAt,
      channels,
      start: startAt,
      offset: offsetAt,
      weights: weightsAt,
      scale: 0,
      logOffset: 0,
      out: outAt,
    };
  }

  /** Fills `values` with ln(mel + logOffset) (`log` 'ln') or 10·log10(max(mel, 1e-10)); returns their maximum. */
  run(audio: Float32Array, log: 'ln' | 'db', logOffset: number): number {
    this.clip.set(audio);
    return this.runFrames(this.frames, log, logOffset);
  }

  /** As run(), over the first `frames` frames of what `clip` already holds. */
  runFrames(frames: number, log: 'ln' | 'db', logOffset: number): number {
    if (frames > this.frames) throw new Error(`${frames} frames asked of a ${this.frames}-frame layout`);
    this.args.frames = frames;
    this.args.scale = log === 'ln' ? 0 : 1;
    this.args.logOffset = logOffset;
    return this.module.logMel(this.args);
  }
}
