// An instance's memory as JavaScript lays it out: byte addresses (`Ptr`), a bump allocator of 16-byte-aligned
// blocks (every block starts on a whole SIMD vector, which the modules' v128 loads and stores assume), and growing
// the memory to hold them. Every wrapper of a wasm/ module lays out its buffers with it; assembly/_heap.ts is the
// modules' side (heapBase(): where their free memory starts).

declare const brand: unique symbol;

/**
 * A byte address in one instance's memory: what AssemblyScript calls `usize`. Only Heap.alloc (or a module that
 * returns an address) makes one, so a count cannot be passed where an address goes.
 */
export type Ptr = number & { readonly [brand]: 'Ptr' };

/** `bytes` rounded up to whole 16-byte vectors. */
export function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** Grows `memory` to hold at least `bytes` (it never shrinks) and returns its buffer. */
export function reserve(memory: WebAssembly.Memory, bytes: number): ArrayBuffer {
  const pages = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  return memory.buffer;
}

/**
 * A bump allocator over `memory` from `base` (0 for a module without static data, else its heapBase()). Layouts
 * made once allocate and reserve() once; layouts made per call reset() first, so each call lays out the same
 * addresses for the same sizes.
 */
export class Heap {
  readonly base: Ptr;
  private top: number;
  private floatView = new Float32Array(0);

  constructor(
    readonly memory: WebAssembly.Memory,
    base = 0,
  ) {
    this.base = align16(base) as Ptr;
    this.top = this.base;
  }

  /** Forgets every block: the next alloc() is at `base` again. */
  reset(): void {
    this.top = this.base;
  }

  /** A block of `bytes` at the next 16-byte-aligned address. The memory holds it after reserve(). */
  alloc(bytes: number): Ptr {
    if (!(bytes >= 0)) throw new Error(`wasm heap: cannot allocate ${bytes} bytes`);
    const at = align16(this.top);
    this.top = at + bytes;
    return at as Ptr;
  }

  /** The end of the last block allocated. */
  get end(): number {
    return this.top;
  }

  /** Grows the memory to hold every block allocated so far; returns its buffer (growing detaches older views). */
  reserve(): ArrayBuffer {
    return reserve(this.memory, this.top);
  }

  /** `length` elements of type `Type` at `at`: a view of the current buffer (reserve() first). */
  view<T>(Type: new (buffer: ArrayBuffer, byteOffset: number, length: number) => T, at: Ptr, length: number): T {
    return new Type(this.memory.buffer, at, length);
  }

  /** The whole memory as float32 (element i is the float at byte 4i), made anew only after the memory grew. */
  floats(): Float32Array {
    if (this.floatView.buffer !== this.memory.buffer) this.floatView = new Float32Array(this.memory.buffer);
    return this.floatView;
  }
}
