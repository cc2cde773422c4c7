import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatToInt16 } from '../../src/frontend/pcm.js';
import { FrontendModule } from '../../src/wasm/generated/frontend.js';
import type { Ptr } from '../../src/wasm/heap.js';

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

test("the simd engine's conversion equals floatToInt16 in every SIMD lane: NaN, infinities, -0 and the edges of int16", () => {
  const module = new FrontendModule();
  const edges = [
    NaN,
    Infinity,
    -Infinity,
    -0,
    1,
    -1,
    32767.5 / 32768,
    32767.99 / 32768,
    -32768.5 / 32768,
    -32769 / 32768,
    1e30,
    -1e30,
    2 ** 31 / 32768,
    -(2 ** 31) / 32768,
    0.49999 / 32768,
    -0.99999 / 32768,
    1.5,
    -7,
  ];
  // Every edge at every lane of the 8-sample vector step, and a scalar tail (count % 8 != 0).
  const audio = new Float32Array(edges.length * 8 + 5);
  for (let i = 0; i < audio.length; i++) audio[i] = edges[(i * 5 + (i >> 3)) % edges.length];
  const input = 0 as Ptr;
  const output = audio.byteLength as Ptr;
  new Float32Array(module.memory.buffer, input, audio.length).set(audio);
  module.floatToInt16({ input, output, count: audio.length });
  const expected = new Int16Array(audio.length);
  floatToInt16(audio, expected);
  assert.deepEqual(new Int16Array(module.memory.buffer, output, audio.length), expected);
});
