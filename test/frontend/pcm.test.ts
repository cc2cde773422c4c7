import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatToInt16 } from '../../src/frontend/pcm.js';

test('scales by 32768 and truncates toward zero like numpy astype(int16)', () => {
  const out = new Int16Array(6);
  floatToInt16(Float32Array.from([0.5, -0.5, 0.25, 1e-5, -1e-5, -0.99999]), out);
  assert.deepEqual(Array.from(out), [16384, -16384, 8192, 0, 0, -32767]);
});

test('saturates full scale instead of wrapping around', () => {
  const out = new Int16Array(4);
  floatToInt16(Float32Array.from([1, -1, 1.5, -2]), out);
  assert.deepEqual(Array.from(out), [32767, -32768, 32767, -32768]);
});

test('refuses an output shorter than the input', () => {
  assert.throws(() => floatToInt16(new Float32Array(3), new Int16Array(2)), /holds 2 samples/);
});
