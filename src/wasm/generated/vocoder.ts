// Generated from the exports asc declares for assembly/vocoder.ts by scripts/build-wasm.mjs (`npm run build`):
// do not edit. test/wasm/generated.test.ts checks that it is current and matches wasm/vocoder.wasm.
import type { Ptr } from '../heap.js';
import { instantiate } from '../load.js';

/** wasm/vocoder.wasm's exports as the module takes them: arguments by position. */
export interface VocoderExports {
  readonly memory: WebAssembly.Memory;
  plan(n: number, hopLength: number): number;
  stretch(
    input: Ptr,
    frames: number,
    rate: number,
    outFrames: number,
    length: number,
    acc: Ptr,
    wss: Ptr,
    out: Ptr,
  ): void;
}

/**
 * An instance of wasm/vocoder.wasm, with its own memory. Each export takes its arguments as one object, named as in
 * the AssemblyScript source (each field's AssemblyScript type in its comment; a usize is an address, a Ptr).
 */
export class VocoderModule {
  /** Each export's parameters, in the module's order. */
  static readonly parameters = {
    plan: ['n', 'hopLength'],
    stretch: ['input', 'frames', 'rate', 'outFrames', 'length', 'acc', 'wss', 'out'],
  } as const;

  readonly memory: WebAssembly.Memory;

  constructor(private readonly exports: VocoderExports = instantiate<VocoderExports>('vocoder')) {
    this.memory = exports.memory;
  }

  /**
   * Lays out tables and scratch for frames of n samples every `hopLength`; returns the first free byte after them.
   * (assembly/vocoder.ts)
   */
  plan(args: {
    n: number; // i32
    hopLength: number; // i32
  }): Ptr {
    return (this.exports.plan(args.n, args.hopLength) >>> 0) as Ptr;
  }

  /**
   * Stretches the signal at `input` (n samples with n_fft/2 zeros each side; `frames` = 1 + n div hop STFT frames)
   * by `rate` into `outFrames` frames, written as `length` samples at `out`. `acc` and `wss` hold
   * (outFrames − 1)·hop + n_fft + 4 floats each, `out` length + 4.
   * (assembly/vocoder.ts)
   */
  stretch(args: {
    input: Ptr; // usize
    frames: number; // i32
    rate: number; // f64
    outFrames: number; // i32
    length: number; // i32
    acc: Ptr; // usize
    wss: Ptr; // usize
    out: Ptr; // usize
  }): void {
    this.exports.stretch(args.input, args.frames, args.rate, args.outFrames, args.length, args.acc, args.wss, args.out);
  }
}
