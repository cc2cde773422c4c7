// Generated from the exports asc declares for assembly/frontend.ts by scripts/build-wasm.mjs (`npm run build`):
// do not edit. test/wasm/generated.test.ts checks that it is current and matches wasm/frontend.wasm.
import type { Ptr } from '../heap.js';
import { instantiate } from '../load.js';

/** wasm/frontend.wasm's exports as the module takes them: arguments by position. */
export interface FrontendExports {
  readonly memory: WebAssembly.Memory;
  configure(
    windowSize: number,
    stepSize: number,
    complexSize: number,
    radix: number,
    coefficientsAt: Ptr,
    windowedAt: Ptr,
    gatherAt: Ptr,
    leafInputAt: Ptr,
    workAt: Ptr,
    stagesAt: Ptr,
    stagesCount: number,
    superTwiddlesAt: Ptr,
    energiesAt: Ptr,
    binStartAt: Ptr,
    binCountAt: Ptr,
    weightsAt: Ptr,
    firstBin: number,
    lastBin: number,
    channelCount: number,
  ): void;
  floatToInt16(input: Ptr, output: Ptr, count: number): void;
  spectrogram(pcm: Ptr, frames: number, out: Ptr): void;
  configurePost(
    noise: boolean,
    bits: number,
    even: number,
    odd: number,
    remaining: number,
    estimatesAt: Ptr,
    pcan: boolean,
    lutAt: Ptr,
    shiftSnr: number,
    log: boolean,
    shiftLog: number,
    correctionBits: number,
    logLutAt: Ptr,
  ): void;
  finish(signal: Ptr, frames: number, out: Ptr): void;
}

/**
 * An instance of wasm/frontend.wasm, with its own memory. Each export takes its arguments as one object, named as in
 * the AssemblyScript source (each field's AssemblyScript type in its comment; a usize is an address, a Ptr).
 */
export class FrontendModule {
  /** Each export's parameters, in the module's order. */
  static readonly parameters = {
    configure: [
      'windowSize',
      'stepSize',
      'complexSize',
      'radix',
      'coefficientsAt',
      'windowedAt',
      'gatherAt',
      'leafInputAt',
      'workAt',
      'stagesAt',
      'stagesCount',
      'superTwiddlesAt',
      'energiesAt',
      'binStartAt',
      'binCountAt',
      'weightsAt',
      'firstBin',
      'lastBin',
      'channelCount',
    ],
    floatToInt16: ['input', 'output', 'count'],
    spectrogram: ['pcm', 'frames', 'out'],
    configurePost: [
      'noise',
      'bits',
      'even',
      'odd',
      'remaining',
      'estimatesAt',
      'pcan',
      'lutAt',
      'shiftSnr',
      'log',
      'shiftLog',
      'correctionBits',
      'logLutAt',
    ],
    finish: ['signal', 'frames', 'out'],
  } as const;

  readonly memory: WebAssembly.Memory;

  constructor(private readonly exports: FrontendExports = instantiate<FrontendExports>('frontend')) {
    this.memory = exports.memory;
  }

  /**
   * Where the per-frame tables and buffers are (byte addresses) and the geometry: window and step in samples, the
   * complex FFT size n (real size / 2) and its leaf radix, the radix-4 stages, the filterbank's bins and channels.
   * (assembly/frontend.ts)
   */
  configure(args: {
    windowSize: number; // i32
    stepSize: number; // i32
    complexSize: number; // i32
    radix: number; // i32
    coefficientsAt: Ptr; // usize
    windowedAt: Ptr; // usize
    gatherAt: Ptr; // usize
    leafInputAt: Ptr; // usize
    workAt: Ptr; // usize
    stagesAt: Ptr; // usize
    stagesCount: number; // i32
    superTwiddlesAt: Ptr; // usize
    energiesAt: Ptr; // usize
    binStartAt: Ptr; // usize
    binCountAt: Ptr; // usize
    weightsAt: Ptr; // usize
    firstBin: number; // i32
    lastBin: number; // i32
    channelCount: number; // i32
  }): void {
    this.exports.configure(
      args.windowSize,
      args.stepSize,
      args.complexSize,
      args.radix,
      args.coefficientsAt,
      args.windowedAt,
      args.gatherAt,
      args.leafInputAt,
      args.workAt,
      args.stagesAt,
      args.stagesCount,
      args.superTwiddlesAt,
      args.energiesAt,
      args.binStartAt,
      args.binCountAt,
      args.weightsAt,
      args.firstBin,
      args.lastBin,
      args.channelCount,
    );
  }

  /**
   * Float audio to int16 PCM: x·32768 saturated, truncated toward zero, NaN to 0 (src/frontend/pcm.ts).
   * (assembly/frontend.ts)
   */
  floatToInt16(args: {
    input: Ptr; // usize
    output: Ptr; // usize
    count: number; // i32
  }): void {
    this.exports.floatToInt16(args.input, args.output, args.count);
  }

  /**
   * Runs `frames` frames of the int16 clip at `pcm` into `out` (uint32 × channels per frame).
   * (assembly/frontend.ts)
   */
  spectrogram(args: {
    pcm: Ptr; // usize
    frames: number; // i32
    out: Ptr; // usize
  }): void {
    this.exports.spectrogram(args.pcm, args.frames, args.out);
  }

  /**
   * The stages finish() runs: noise reduction (on or off; its smoothing bits, even/odd smoothing and minimum
   * remaining signal in Q14; its per-channel estimates), PCAN (on or off; its gain table, SNR shift) and the log
   * (on or off; its scale shift, the correction shift applied before it; its table).
   * (assembly/frontend.ts)
   */
  configurePost(args: {
    noise: boolean; // bool
    bits: number; // i32
    even: number; // u32
    odd: number; // u32
    remaining: number; // u32
    estimatesAt: Ptr; // usize
    pcan: boolean; // bool
    lutAt: Ptr; // usize
    shiftSnr: number; // i32
    log: boolean; // bool
    shiftLog: number; // i32
    correctionBits: number; // i32
    logLutAt: Ptr; // usize
  }): void {
    this.exports.configurePost(
      args.noise,
      args.bits,
      args.even,
      args.odd,
      args.remaining,
      args.estimatesAt,
      args.pcan,
      args.lutAt,
      args.shiftSnr,
      args.log,
      args.shiftLog,
      args.correctionBits,
      args.logLutAt,
    );
  }

  /**
   * Noise reduction, PCAN and the log over every frame of `signal` (uint32), into `out` (uint16), from a reset state.
   * (assembly/frontend.ts)
   */
  finish(args: {
    signal: Ptr; // usize
    frames: number; // i32
    out: Ptr; // usize
  }): void {
    this.exports.finish(args.signal, args.frames, args.out);
  }
}
