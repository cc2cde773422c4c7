// Bit helpers shared by the fixed-point stages (the reference's bits.h semantics).

/** Number of significant bits of a uint32 (0 for 0, 1 for 1, 32 for >= 2^31), like MostSignificantBit32. */
export function msb32(n: number): number {
  return 32 - Math.clz32(n);
}

/** Smallest power of two >= n (n >= 1), the FFT length the reference picks for a window of n samples. */
export function nextPow2(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}
