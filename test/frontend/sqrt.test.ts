import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundedSqrt } from '../../src/frontend/sqrt.js';

// The reference's digit-by-digit Sqrt32/Sqrt64 (filterbank.c), literally, in BigInt.
function referenceSqrt(value: bigint): bigint {
  if (value === 0n) return 0n;
  const wide = value >> 32n !== 0n;
  const bits = wide ? 64 : 32;
  let num = value;
  let res = 0n;
  let maxBit = bits - value.toString(2).length;
  maxBit |= 1;
  let bit = 1n << BigInt(bits - 1 - maxBit);
  let iterations = Math.trunc((bits - 1 - maxBit) / 2) + 1;
  while (iterations--) {
    if (num >= res + bit) {
      num -= res + bit;
      res = (res >> 1n) + bit;
    } else {
      res >>= 1n;
    }
    bit >>= 2n;
  }
  if (num > res && res !== (wide ? 0xffffffffn : 0xffffn)) res++;
  return res;
}

test('rounds to the nearest integer exactly like the digit-by-digit reference', () => {
  let s = 12345;
  const values: number[] = [0, 1, 2, 3, 4, 5, 8, 9, 15, 16, 17, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40, 2 ** 52 - 1];
  for (let r = 2; r < 3000; r += 7) values.push(r * r - 1, r * r, r * r + r, r * r + r + 1);
  for (let i = 0; i < 3000; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    values.push(Math.floor((s / 2 ** 32) * 2 ** (i % 50)) * (1 + (i % 7)));
  }
  for (const v of values) assert.equal(roundedSqrt(v), Number(referenceSqrt(BigInt(v))), `sqrt(${v})`);
});

test('never rounds a 32-bit input up past 0xFFFF, but rounds 64-bit inputs normally', () => {
  // 65535² + 65535 + 1 rounds up mathematically, but the 32-bit path caps the result at 0xFFFF.
  assert.equal(roundedSqrt(65535 * 65535 + 65535 + 1), 65535);
  assert.equal(roundedSqrt(2 ** 32 - 1), 65535);
  assert.equal(roundedSqrt(2 ** 32), 65536);
  assert.equal(roundedSqrt(2 ** 32 + 65536 + 1), 65537);
});
