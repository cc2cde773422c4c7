import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { coloredNoise, NOISE_BETA, type NoiseColor } from '../../src/augment/colored-noise.js';
import { NOISE_COLORS } from '../../src/config/names.js';
import { logLogSlope, welch } from './spectrum.js';

function rngFor(key: string): () => number {
  const prng = seedrandom.xor4096(key);
  return () => prng.double();
}

test('each color has a log-log PSD slope within 0.25 of its beta over 100 Hz - 7 kHz', () => {
  for (const color of NOISE_COLORS) {
    // 4 s at 16 kHz.
    const y = coloredNoise(color, 64000, rngFor(`noise:${color}`));
    const slope = logLogSlope(welch(y, 1024), 16000, 100, 7000);
    assert.ok(Math.abs(slope - NOISE_BETA[color]) <= 0.25, `${color}: slope ${slope}`);
  }
});

test('white noise samples are standard normal and independent (moments, tails, neighbours)', () => {
  const y = coloredNoise('white', 1 << 20, rngFor('normality'));
  const n = y.length;
  let mean = 0;
  for (const v of y) mean += v / n;
  let m2 = 0,
    m3 = 0,
    m4 = 0,
    lag1 = 0,
    lag4 = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - mean;
    m2 += (d * d) / n;
    m3 += d ** 3 / n;
    m4 += d ** 4 / n;
    if (i + 4 < n) {
      lag1 += (d * (y[i + 1] - mean)) / n;
      lag4 += (d * (y[i + 4] - mean)) / n;
    }
  }
  const sd = Math.sqrt(m2);
  let tail = 0;
  for (const v of y) if (Math.abs(v - mean) > 3 * sd) tail++;
  // Standard errors at 2^20 samples: mean 0.001·sd, skewness 0.0024, kurtosis 0.005, 3σ tail mass 5e-5.
  assert.ok(Math.abs(mean) < 0.005 * sd, `mean ${mean / sd} sd`);
  assert.ok(Math.abs(m3 / sd ** 3) < 0.015, `skewness ${m3 / sd ** 3}`);
  assert.ok(Math.abs(m4 / m2 ** 2 - 3) < 0.03, `kurtosis ${m4 / m2 ** 2}`);
  assert.ok(Math.abs(tail / n - 0.0027) < 0.0003, `3σ tail mass ${tail / n}`);
  assert.ok(
    Math.abs(lag1 / m2) < 0.005 && Math.abs(lag4 / m2) < 0.005,
    `correlation ${lag1 / m2} (lag 1), ${lag4 / m2} (lag 4)`,
  );
});

test('the peak magnitude is exactly 1, for power-of-two and other lengths', () => {
  for (const color of NOISE_COLORS) {
    for (const length of [16000, 16384, 1, 3]) {
      const y = coloredNoise(color, length, rngFor(`peak:${color}:${length}`));
      assert.equal(y.length, length);
      let peak = 0;
      for (const v of y) peak = Math.max(peak, Math.abs(v));
      assert.equal(peak, 1, `${color}, ${length} samples`);
    }
  }
});

test('the same rng seed gives the same samples; another seed does not', () => {
  for (const color of NOISE_COLORS) {
    const a = coloredNoise(color, 4000, rngFor('seed:1'));
    const b = coloredNoise(color, 4000, rngFor('seed:1'));
    const c = coloredNoise(color, 4000, rngFor('seed:2'));
    assert.deepEqual(a, b, color);
    assert.notDeepEqual(a, c, color);
  }
});

test('noise has no DC: the mean of colored noise is near zero', () => {
  for (const color of ['pink', 'brown', 'blue', 'violet'] as NoiseColor[]) {
    const y = coloredNoise(color, 16384, rngFor(`dc:${color}`));
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    assert.ok(Math.abs(mean) < 1e-6, `${color}: mean ${mean}`);
  }
});

test('an empty length gives no samples; unknown colors and bad lengths are refused', () => {
  assert.equal(coloredNoise('pink', 0, rngFor('x')).length, 0);
  assert.throws(() => coloredNoise('green' as NoiseColor, 10, rngFor('x')), /unknown noise color 'green'/);
  assert.throws(() => coloredNoise('white', 2.5, rngFor('x')), /length/);
});
