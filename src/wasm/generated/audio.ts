// Generated from the exports asc declares for assembly/audio.ts by scripts/build-wasm.mjs (`npm run build`):
// do not edit. test/wasm/generated.test.ts checks that it is current and matches wasm/audio.wasm.
import type { Ptr } from '../heap.js';
import { instantiate } from '../load.js';

/** wasm/audio.wasm's exports as the module takes them: arguments by position. */
export interface AudioExports {
  readonly memory: WebAssembly.Memory;
  int16ToFloat(input: Ptr, output: Ptr, count: number): void;
  hopSums(padded: Ptr, count: number, output: Ptr): void;
  scale(x: Ptr, count: number, gain: number): void;
  addScaled(x: Ptr, y: Ptr, count: number, gain: number): void;
}

/**
 * An instance of wasm/audio.wasm, with its own memory. Each export takes its arguments as one object, named as in
 * the AssemblyScript source (each field's AssemblyScript type in its comment; a usize is an address, a Ptr).
 */
export class AudioModule {
  /** Each export's parameters, in the module's order. */
  static readonly parameters = {
    int16ToFloat: ['input', 'output', 'count'],
    hopSums: ['padded', 'count', 'output'],
    scale: ['x', 'count', 'gain'],
    addScaled: ['x', 'y', 'count', 'gain'],
  } as const;

  readonly memory: WebAssembly.Memory;

  constructor(private readonly exports: AudioExports = instantiate<AudioExports>('audio')) {
    this.memory = exports.memory;
  }

  /**
   * int16 samples to float32 · 2^-15 (exact in float32: scipy's int16 / 32768).
   * (assembly/audio.ts)
   */
  int16ToFloat(args: {
    input: Ptr; // usize
    output: Ptr; // usize
    count: number; // i32
  }): void {
    this.exports.int16ToFloat(args.input, args.output, args.count);
  }

  /**
   * float32 sums of squares over `count` hops of 512 samples of `padded` (the clip with 1024 zeros before it and
   * enough after), each in numpy's pairwise order: four 128-sample leaves of 8 strided accumulators each.
   * (assembly/audio.ts)
   */
  hopSums(args: {
    padded: Ptr; // usize
    count: number; // i32
    output: Ptr; // usize
  }): void {
    this.exports.hopSums(args.padded, args.count, args.output);
  }

  /**
   * x[i] = float32(x[i] · gain), the product in float64 as JS computes it.
   * (assembly/audio.ts)
   */
  scale(args: {
    x: Ptr; // usize
    count: number; // i32
    gain: number; // f64
  }): void {
    this.exports.scale(args.x, args.count, args.gain);
  }

  /**
   * x[i] = float32(x[i] + gain · y[i]), in float64 as JS computes it.
   * (assembly/audio.ts)
   */
  addScaled(args: {
    x: Ptr; // usize
    y: Ptr; // usize
    count: number; // i32
    gain: number; // f64
  }): void {
    this.exports.addScaled(args.x, args.y, args.count, args.gain);
  }
}
