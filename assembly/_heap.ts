// A module's free memory: where it starts (for the JavaScript side to lay out buffers from: src/wasm/heap.ts), and
// growing it. Exported functions take buffers as usize byte addresses (Ptr in src/wasm/generated/).

/** The first 16-byte-aligned byte after the module's static data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Grows the memory so that bytes below `end` exist. */
export function ensure(end: usize): void {
  const pages = <i32>((end + 0xffff) >> 16);
  const have = memory.size();
  if (pages > have) memory.grow(pages - have);
}
