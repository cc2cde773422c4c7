import { test } from 'node:test';
import assert from 'node:assert/strict';
import { castInto, normalize, normalizes } from '../../src/sample/normalize.js';

const none = {
  rescale: null,
  samplewise_center: false,
  samplewise_std_normalization: false,
  samplewise_normalize_range: null,
};

test('rescale multiplies, as the reference standardize does', () => {
  const x = Float64Array.from([1, 2, 3]);
  normalize(x, { ...none, rescale: 0.5 });
  assert.deepEqual([...x], [0.5, 1, 1.5]);
});

test('center then std normalization give zero mean and unit std (+1e-6)', () => {
  const x = Float64Array.from([1, 2, 3, 4]);
  normalize(x, { ...none, samplewise_center: true, samplewise_std_normalization: true });
  const mean = x.reduce((a, b) => a + b) / 4;
  const std = Math.sqrt(x.reduce((a, b) => a + b * b, 0) / 4);
  assert.ok(Math.abs(mean) < 1e-12);
  assert.ok(Math.abs(std - Math.sqrt(1.25) / (Math.sqrt(1.25) + 1e-6)) < 1e-12);
});

test('normalize_range maps min..max to the range, applied last', () => {
  const x = Float64Array.from([10, 20, 30]);
  normalize(x, { ...none, rescale: 2, samplewise_normalize_range: [-1, 1] });
  assert.deepEqual([...x], [-1, 0, 1]);
});

test('a constant spectrogram maps to the lower bound of the range, not NaN', () => {
  const x = Float64Array.from([7, 7, 7]);
  normalize(x, { ...none, samplewise_normalize_range: [0, 1] });
  assert.deepEqual([...x], [0, 0, 0]);
});

test('normalizes() says whether any normalization is on', () => {
  assert.equal(normalizes(none), false);
  assert.equal(normalizes({ ...none, samplewise_center: true }), true);
});

test('casting to integers truncates toward zero and saturates instead of wrapping; NaN becomes 0', () => {
  const i8 = new Int8Array(6);
  castInto([1.9, -1.9, 300, -300, NaN, 127.5], i8);
  assert.deepEqual([...i8], [1, -1, 127, -128, 0, 127]);
  const u16 = new Uint16Array(3);
  castInto([-5, 70000, 123.7], u16);
  assert.deepEqual([...u16], [0, 65535, 123]);
  const f32 = new Float32Array(2);
  castInto([0.1, 65535], f32);
  assert.deepEqual([...f32], [Math.fround(0.1), 65535]);
});

test('casting to floats rounds each value as an assignment would, from any array type, and stops at the target end', () => {
  const f64 = Float64Array.from({ length: 1960 }, (_, i) => Math.sin(i) * 1e5 + i / 3);
  const f32 = new Float32Array(1960);
  castInto(f64, f32);
  assert.deepEqual([...f32], [...f64].map(Math.fround));
  const u16 = Uint16Array.from({ length: 1960 }, (_, i) => (i * 977) % 65536);
  const wide = new Float64Array(1960);
  castInto(u16, wide);
  assert.deepEqual([...wide], [...u16]);
  // A source longer than the target fills the target and no more, as before.
  const short = new Float32Array(3);
  castInto([1.5, 2.5, 3.5, 4.5], short);
  assert.deepEqual([...short], [1.5, 2.5, 3.5]);
});
