import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dcNotchCoefficient, dcNotchFilter } from '../../src/frontend/dc-notch.js';

test('truncates the coefficient to Q15 from its float value', () => {
  assert.equal(dcNotchCoefficient(0.95), 31129); // 0.95f · 32768 = 31129.6
  assert.equal(dcNotchCoefficient(0.5), 16384);
});

test('removes a constant offset with the reference rounding', () => {
  const out = new Int16Array(6);
  dcNotchFilter(31129, new Int16Array(6).fill(1000), out, 6);
  // Expected: Python port of dc_notch_filter.c with int16 stores.
  assert.deepEqual(Array.from(out), [1000, 950, 902, 857, 814, 773]);
});

test('settles in the rounding dead band of its feedback instead of decaying to zero', () => {
  const out = new Int16Array(400);
  dcNotchFilter(31129, new Int16Array(400).fill(1000), out, 400);
  // y = round(31129·y / 32768) is a fixed point at y = 9: the step response never reaches 0.
  assert.deepEqual(Array.from(out.slice(390)), new Array(10).fill(9));
});

test('wraps around in int16 on a full-scale jump, as the C code does', () => {
  const out = new Int16Array(4);
  dcNotchFilter(31129, Int16Array.from([-32768, 32767, 32767, -32768]), out, 4);
  // 32767 - (-32768) = 65535 wraps to -1 before the feedback is added.
  assert.deepEqual(Array.from(out), [-32768, -31130, -29573, -28093]);
});
