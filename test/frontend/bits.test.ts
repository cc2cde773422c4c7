import { test } from 'node:test';
import assert from 'node:assert/strict';
import { msb32, nextPow2 } from '../../src/frontend/bits.js';

test('counts significant bits of a uint32 like MostSignificantBit32', () => {
  assert.deepEqual([0, 1, 2, 3, 255, 256, 32767, 2 ** 31, 2 ** 32 - 1].map(msb32), [0, 1, 2, 2, 8, 9, 15, 32, 32]);
});

test('picks the FFT length as the next power of two', () => {
  assert.deepEqual([1, 3, 256, 257, 400, 480, 1200].map(nextPow2), [1, 4, 256, 512, 512, 512, 2048]);
});
