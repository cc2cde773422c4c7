// Generated from the exports asc declares for assembly/noise.ts by scripts/build-wasm.mjs (`npm run build`):
// do not edit. test/wasm/generated.test.ts checks that it is current and matches wasm/noise.wasm.
import type { Ptr } from '../heap.js';
import { instantiate } from '../load.js';

/** wasm/noise.wasm's exports as the module takes them: arguments by position. */
export interface NoiseExports {
  readonly memory: WebAssembly.Memory;
  gaussian(out: Ptr, count: number, k0: number, k1: number, k2: number, k3: number): void;
  heapBase(): number;
}

/**
 * An instance of wasm/noise.wasm, with its own memory. Each export takes its arguments as one object, named as in
 * the AssemblyScript source (each field's AssemblyScript type in its comment; a usize is an address, a Ptr).
 */
export class NoiseModule {
  /** Each export's parameters, in the module's order. */
  static readonly parameters = {
    gaussian: ['out', 'count', 'k0', 'k1', 'k2', 'k3'],
    heapBase: [],
  } as const;

  readonly memory: WebAssembly.Memory;

  constructor(private readonly exports: NoiseExports = instantiate<NoiseExports>('noise')) {
    this.memory = exports.memory;
  }

  /**
   * Writes `count` (a multiple of 8) standard normal values to `out`, from the stream keyed by k0..k3. The same key
   * gives the same values on every machine: integer ops and IEEE float ops only.
   * (assembly/noise.ts)
   */
  gaussian(args: {
    out: Ptr; // usize
    count: number; // i32
    k0: number; // u32
    k1: number; // u32
    k2: number; // u32
    k3: number; // u32
  }): void {
    this.exports.gaussian(args.out, args.count, args.k0, args.k1, args.k2, args.k3);
  }

  /**
   * The first 16-byte-aligned byte after the module's static data.
   * (assembly/_heap.ts)
   */
  heapBase(): Ptr {
    return (this.exports.heapBase() >>> 0) as Ptr;
  }
}
