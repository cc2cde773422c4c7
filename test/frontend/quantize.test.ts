import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamicInt8, dynamicRange, fixedInt8, toFloat32 } from '../../src/frontend/quantize.js';

test('maps 0..666 onto -128..127 with rounding (TFLM micro_features)', () => {
  const out = new Int8Array(6);
  fixedInt8(Uint16Array.from([0, 1, 333, 664, 666, 65535]), out);
  // (v·256 + 333) div 666 - 128, clamped to 127.
  assert.deepEqual(Array.from(out), [-128, -128, 0, 127, 127, 127]);
  const mid = new Int8Array(1);
  fixedInt8(Uint16Array.from([400]), mid);
  assert.equal(mid[0], Math.floor((400 * 256 + 333) / 666) - 128);
});

test('truncates the dynamic range from float arithmetic', () => {
  assert.equal(dynamicRange(40, 6), 294); // 40·64·ln(10)/20 = 294.7
  assert.equal(dynamicRange(30, 6), 221);
});

test('maps [max - range, max] of the whole spectrogram onto [-128, 127]', () => {
  const out = new Int8Array(6);
  dynamicInt8(Uint16Array.from([1000, 706, 705, 500, 853, 0]), 294, out);
  // min = 706: (v - 706)·255 / 294 - 128, values below min clamp to -128.
  assert.deepEqual(Array.from(out), [127, -128, -128, -128, Math.trunc((147 * 255) / 294) - 128, -128]);
});

test('clamps the lower end at 0 and never divides by zero', () => {
  const low = new Int8Array(3);
  dynamicInt8(Uint16Array.from([100, 50, 0]), 294, low); // min = max(100 - 294, 0) = 0, span 100
  assert.deepEqual(Array.from(low), [127, Math.trunc((50 * 255) / 100) - 128, -128]);
  const flat = new Int8Array(2);
  dynamicInt8(new Uint16Array(2), 294, flat); // span clamped to 1
  assert.deepEqual(Array.from(flat), [-128, -128]);
});

test('casts uint16 to float32 unchanged', () => {
  const out = new Float32Array(2);
  toFloat32(Uint16Array.from([0, 65535]), out);
  assert.deepEqual(Array.from(out), [0, 65535]);
});
