// Generated from the exports asc declares for assembly/resample.ts by scripts/build-wasm.mjs (`npm run build`):
// do not edit. test/wasm/generated.test.ts checks that it is current and matches wasm/resample.wasm.
import type { Ptr } from '../heap.js';
import { instantiate } from '../load.js';

/** wasm/resample.wasm's exports as the module takes them: arguments by position. */
export interface ResampleExports {
  readonly memory: WebAssembly.Memory;
  exact(x: Ptr, table: Ptr, taps: number, up: number, down: number, out: Ptr, count: number): void;
  interpolated(x: Ptr, table: Ptr, taps: number, phases: number, step: number, out: Ptr, count: number): void;
  heapBase(): number;
}

/**
 * An instance of wasm/resample.wasm, with its own memory. Each export takes its arguments as one object, named as in
 * the AssemblyScript source (each field's AssemblyScript type in its comment; a usize is an address, a Ptr).
 */
export class ResampleModule {
  /** Each export's parameters, in the module's order. */
  static readonly parameters = {
    exact: ['x', 'table', 'taps', 'up', 'down', 'out', 'count'],
    interpolated: ['x', 'table', 'taps', 'phases', 'step', 'out', 'count'],
    heapBase: [],
  } as const;

  readonly memory: WebAssembly.Memory;

  constructor(private readonly exports: ResampleExports = instantiate<ResampleExports>('resample')) {
    this.memory = exports.memory;
  }

  /**
   * Rational ratio up/down: output m at input time m·down/up, filtered by row (m·down) mod up.
   * (assembly/resample.ts)
   */
  exact(args: {
    x: Ptr; // usize
    table: Ptr; // usize
    taps: number; // i32
    up: number; // i32
    down: number; // i32
    out: Ptr; // usize
    count: number; // i32
  }): void {
    this.exports.exact(args.x, args.table, args.taps, args.up, args.down, args.out, args.count);
  }

  /**
   * Any ratio: output m at input time m·step, blending the two rows around it of a table of `phases` (a power of
   * two) rows per input sample. Times are 32.32 fixed point (off by at most m·2^-33 samples), which splits into
   * sample, row and blend factor without float-to-int conversions.
   * (assembly/resample.ts)
   */
  interpolated(args: {
    x: Ptr; // usize
    table: Ptr; // usize
    taps: number; // i32
    phases: number; // i32
    step: number; // f64
    out: Ptr; // usize
    count: number; // i32
  }): void {
    this.exports.interpolated(args.x, args.table, args.taps, args.phases, args.step, args.out, args.count);
  }

  /**
   * The first 16-byte-aligned byte after the module's static data.
   * (assembly/_heap.ts)
   */
  heapBase(): Ptr {
    return (this.exports.heapBase() >>> 0) as Ptr;
  }
}
