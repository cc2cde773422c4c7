import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyWindow, windowCoefficients } from '../../src/frontend/window.js';
import { msb32 } from '../../src/frontend/bits.js';

test('quantizes the 480-sample Hann window to the reference 12-bit coefficients', () => {
  // Expected values: float32 emulation of window_util.c in Python (numpy), independent of this code.
  const c = windowCoefficients(480, 'cos');
  assert.deepEqual(Array.from(c.slice(0, 6)), [0, 0, 1, 2, 4, 5]);
  assert.deepEqual(Array.from(c.slice(237, 243)), [4095, 4096, 4096, 4096, 4096, 4095]);
  assert.equal(c[17], 53);
});

test("MLTK's cosf window differs from TFLM's cos window at exactly one coefficient of 480", () => {
  const cos = windowCoefficients(480, 'cos');
  const cosf = windowCoefficients(480, 'cosf');
  const differ = Array.from(cos.keys()).filter((i) => cos[i] !== cosf[i]);
  assert.deepEqual(differ, [17]);
  assert.equal(cosf[17], 54);
  // Other window lengths used by the fixtures agree.
  for (const n of [256, 400, 1200]) assert.deepEqual(windowCoefficients(n, 'cos'), windowCoefficients(n, 'cosf'));
});

test('windows samples with an arithmetic shift and reports the magnitude of the largest output', () => {
  const coefficients = Int16Array.from([4096, 2048, 1024, 1]);
  const input = Int16Array.from([9, 100, -1000, -3, 32767, -32768]);
  const out = new Int16Array(4);
  const bits = applyWindow(coefficients, input, 1, out);
  // 100·4096>>12 = 100, -1000·2048>>12 = -500, -3·1024>>12 = -1 (floor), 32767·1>>12 = 7.
  assert.deepEqual(Array.from(out), [100, -500, -1, 7]);
  assert.equal(msb32(bits), msb32(500));
});

test('leaves a -32768 window output out of the maximum, like the int16 negation in C', () => {
  const out = new Int16Array(2);
  const bits = applyWindow(Int16Array.from([4096, 4096]), Int16Array.from([-32768, 3]), 0, out);
  assert.deepEqual(Array.from(out), [-32768, 3]);
  assert.equal(msb32(bits), 2); // only the 3 counts, so the FFT input shift stays large
});
