import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mixInPlace } from '../../src/audio/kernels.js';

/** A clip with awkward values: tiny, huge, negative, and lengths that leave a tail past the 4-lane loop. */
function clip(n: number, seed: number): Float32Array {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Float32Array.from({ length: n }, (_, i) => next() * (i % 7 === 0 ? 1e-30 : i % 11 === 0 ? 3e5 : 0.7));
}

test('mixing in wasm rounds exactly like the JS loops: gain in float64, then noise added in float64', () => {
  for (const n of [16000, 16003, 5, 0]) {
    for (const [gain, noiseGain] of [
      [1.3719, 0.0417],
      [0.5, 0],
      [1, 0.2],
      [0.999999, 1e-7],
    ]) {
      const audio = clip(n, n + 1);
      const noise = clip(n, n + 2);
      const expected = Float32Array.from(audio);
      for (let i = 0; i < n; i++) expected[i] *= gain;
      for (let i = 0; i < n; i++) expected[i] += noiseGain * noise[i];
      const got = Float32Array.from(audio);
      mixInPlace(got, gain, noise, noiseGain);
      assert.deepEqual(got, expected, `n=${n} gain=${gain} noise gain=${noiseGain}`);
      const scaledOnly = Float32Array.from(audio);
      mixInPlace(scaledOnly, gain, null, 0);
      assert.deepEqual(
        scaledOnly,
        Float32Array.from(audio, (v) => v * gain),
      );
    }
  }
});
