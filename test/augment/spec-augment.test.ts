// SpecAugment's masks: widths uniform in 0..max inclusive, starts that keep each mask inside, the same masks from the
// same stream, and masked cells holding the mean before masking (or a given value), rounded and clamped for integer
// spectrograms, every other cell untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMasks, drawMasks, formatMasks, heldValue, type Mask } from '../../src/augment/spec-augment.js';
import { rngFor } from '../../src/random/rng.js';

test('mask widths are uniform over 0..max inclusive, and every start keeps the mask inside', () => {
  const rng = rngFor('spec-augment-test');
  const widths = new Array(6).fill(0);
  const starts = new Set<number>();
  for (let i = 0; i < 3000; i++) {
    for (const [start, width] of drawMasks(rng, 2, 5, 12)) {
      assert.ok(Number.isInteger(width) && width >= 0 && width <= 5, `width ${width}`);
      assert.ok(Number.isInteger(start) && start >= 0 && start + width <= 12, `mask ${start}:${width} in 12`);
      widths[width]++;
      if (width === 5) starts.add(start);
    }
  }
  // 6000 masks over 6 widths: 1000 each, well within ±15%.
  for (const [w, n] of widths.entries()) assert.ok(Math.abs(n - 1000) < 150, `width ${w} drawn ${n} times`);
  assert.deepEqual(
    [...starts].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7],
    'a 5-wide mask starts anywhere it fits',
  );
  // A mask as wide as the axis covers all of it.
  const full = drawMasks(rngFor('full'), 50, 4, 4).filter(([, w]) => w === 4);
  assert.ok(full.length > 0 && full.every(([s]) => s === 0));
});

test('the same stream gives the same masks; none asked, none drawn', () => {
  const a = drawMasks(rngFor(7, 'training', 0, 3, 'spec-time-masks'), 3, 10, 49);
  assert.deepEqual(drawMasks(rngFor(7, 'training', 0, 3, 'spec-time-masks'), 3, 10, 49), a);
  assert.notDeepEqual(drawMasks(rngFor(7, 'training', 0, 4, 'spec-time-masks'), 3, 10, 49), a);
  assert.equal(a.length, 3);
  assert.deepEqual(drawMasks(rngFor(1), 0, 10, 49), []);
  assert.equal(formatMasks(a), a.map(([s, w]) => `${s}:${w}`).join(';'));
  assert.equal(formatMasks([]), '');
});

/** A [frames, channels] ramp, and which cells the masks cover. */
const FRAMES = 6;
const CHANNELS = 5;
const ramp = <T extends Float32Array | Uint16Array | Int8Array>(make: (n: number) => T) => {
  const x = make(FRAMES * CHANNELS);
  for (let i = 0; i < x.length; i++) x[i] = i;
  return x;
};
const covered = (time: readonly Mask[], freq: readonly Mask[]) => (f: number, c: number) =>
  time.some(([s, w]) => f >= s && f < s + w) || freq.some(([s, w]) => c >= s && c < s + w);

test('masked cells hold the spectrogram\u2019s mean before masking; every other cell is untouched', () => {
  const time: Mask[] = [[1, 2]];
  const freq: Mask[] = [
    [3, 1],
    [0, 0],
  ];
  const x = ramp((n) => new Float32Array(n));
  applyMasks(x, CHANNELS, time, freq, 'mean');
  const inMask = covered(time, freq);
  const mean = (FRAMES * CHANNELS - 1) / 2;
  for (let f = 0; f < FRAMES; f++)
    for (let c = 0; c < CHANNELS; c++)
      assert.equal(x[f * CHANNELS + c], inMask(f, c) ? mean : f * CHANNELS + c, `frame ${f} channel ${c}`);
  const given = ramp((n) => new Float32Array(n));
  applyMasks(given, CHANNELS, [], [[4, 1]], -3.25);
  for (let f = 0; f < FRAMES; f++) assert.equal(given[f * CHANNELS + 4], -3.25);
  assert.equal(given[3], 3);
});

test('masks of width 0 change nothing (the mean is not even computed)', () => {
  const x = ramp((n) => new Float32Array(n));
  applyMasks(x, CHANNELS, [[2, 0]], [[1, 0]], 'mean');
  assert.deepEqual(
    x,
    ramp((n) => new Float32Array(n)),
  );
});

test('integer spectrograms hold the mask value rounded (halves to even) and clamped to their range', () => {
  const u = ramp((n) => new Uint16Array(n));
  applyMasks(u, CHANNELS, [[0, 1]], [], 'mean');
  // The mean 14.5 rounds to even: 14.
  assert.deepEqual([...u.subarray(0, CHANNELS)], [14, 14, 14, 14, 14]);
  assert.deepEqual(
    [-5, 70000, 2.5, 3.5, 7.2].map((v) => heldValue(new Uint16Array(1), v)),
    [0, 65535, 2, 4, 7],
  );
  assert.deepEqual(
    [-300, 300, -2.5, 0.6].map((v) => heldValue(new Int8Array(1), v)),
    [-128, 127, -2, 1],
  );
  assert.equal(heldValue(new Float32Array(1), 2.5), 2.5);
  const i8 = ramp((n) => new Int8Array(n));
  applyMasks(i8, CHANNELS, [], [[0, 2]], 1000);
  for (let f = 0; f < FRAMES; f++) assert.deepEqual([...i8.subarray(f * CHANNELS, f * CHANNELS + 2)], [127, 127]);
});
