// Integer square root rounded to nearest, as the reference's Sqrt32/Sqrt64 (digit-by-digit, then +1 when the
// remainder exceeds the root), including its caps: a 32-bit input never rounds up past 0xFFFF.

/** Rounded square root of an integer 0 <= num < 2^53 (the filterbank sums stay far below that). */
export function roundedSqrt(num: number): number {
  let root = Math.floor(Math.sqrt(num));
  // Below 2^52 the correctly rounded Math.sqrt never reaches the next integer: the floor is exact.
  if (num >= 4503599627370496) {
    while (root * root > num) root--;
    while ((root + 1) * (root + 1) <= num) root++;
  }
  if (num - root * root > root && (num < 4294967296 ? root !== 0xffff : root !== 0xffffffff)) root++;
  return root;
}
