// Generated from the exports asc declares for assembly/logmel.ts by scripts/build-wasm.mjs (`npm run build`):
// do not edit. test/wasm/generated.test.ts checks that it is current and matches wasm/logmel.wasm.
import type { Ptr } from '../heap.js';
import { instantiate } from '../load.js';

/** wasm/logmel.wasm's exports as the module takes them: arguments by position. */
export interface LogmelExports {
  readonly memory: WebAssembly.Memory;
  plan(n: number): number;
  logMel(
    clip: Ptr,
    frames: number,
    step: number,
    window: Ptr,
    channels: number,
    start: Ptr,
    offset: Ptr,
    weights: Ptr,
    scale: number,
    logOffset: number,
    out: Ptr,
  ): number;
}

/**
 * An instance of wasm/logmel.wasm, with its own memory. Each export takes its arguments as one object, named as in
 * the AssemblyScript source (each field's AssemblyScript type in its comment; a usize is an address, a Ptr).
 */
export class LogmelModule {
  /** Each export's parameters, in the module's order. */
  static readonly parameters = {
    plan: ['n'],
    logMel: ['clip', 'frames', 'step', 'window', 'channels', 'start', 'offset', 'weights', 'scale', 'logOffset', 'out'],
  } as const;

  readonly memory: WebAssembly.Memory;

  constructor(private readonly exports: LogmelExports = instantiate<LogmelExports>('logmel')) {
    this.memory = exports.memory;
  }

  /**
   * Lays out an n-point FFT and its power spectrum; returns the first free byte after them (16-byte aligned).
   * (assembly/logmel.ts)
   */
  plan(args: {
    n: number; // i32
  }): Ptr {
    return (this.exports.plan(args.n) >>> 0) as Ptr;
  }

  /**
   * Writes the log-mel energies of `frames` frames to `out` (frames × channels doubles): frame t is the plan's n
   * float32 samples from clip + t·step, weighted by `window` (n doubles: the Hann window halved, zero outside it);
   * channel c sums weights[offset[c] .. offset[c+1]) times the power of bins start[c] onwards (int32 tables), then
   * takes the log given by `scale` (0: ln(sum + logOffset); 1: 10·log10(max(sum, 1e-10))). Returns the largest value.
   * (assembly/logmel.ts)
   */
  logMel(args: {
    clip: Ptr; // usize
    frames: number; // i32
    step: number; // i32
    window: Ptr; // usize
    channels: number; // i32
    start: Ptr; // usize
    offset: Ptr; // usize
    weights: Ptr; // usize
    scale: number; // i32
    logOffset: number; // f64
    out: Ptr; // usize
  }): number {
    return this.exports.logMel(
      args.clip,
      args.frames,
      args.step,
      args.window,
      args.channels,
      args.start,
      args.offset,
      args.weights,
      args.scale,
      args.logOffset,
      args.out,
    );
  }
}
