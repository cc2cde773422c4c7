import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PcanGainControl, pcanGainTable, pcanShrink, wideDynamicGain } from '../../src/frontend/pcan.js';

const settings = { strength: 0.95, offset: 80, gainBits: 21 };

test('builds the gain table from float powf like the reference set-up', () => {
  // Expected: numpy float32 (libm powf) emulation of pcan_gain_control_util.c, 512-point FFT (correction 3).
  const lut = pcanGainTable(settings, 10, 3);
  assert.equal(lut.length, 125);
  assert.deepEqual(Array.from(lut.slice(0, 14)), [32636, 32633, 32630, -6, 0, 0, 32624, -12, 0, 0, 32612, -23, -2, 0]);
  assert.deepEqual(Array.from(lut.slice(46, 53)), [23707, -6265, 1230, 0, 18672, -7458, 1952]);
  assert.deepEqual(Array.from(lut.slice(-7)), [1, -3, 2, 0, 0, 0, 0]);
});

test('interpolates the gain inside each octave of the noise estimate', () => {
  const lut = pcanGainTable(settings, 10, 3);
  assert.equal(wideDynamicGain(0, lut), lut[0]);
  assert.equal(wideDynamicGain(2, lut), lut[2]);
  for (let octave = 3; octave <= 31; octave++)
    assert.equal(wideDynamicGain(2 ** (octave - 1), lut), lut[4 * octave - 6]);
  // Between octave starts the gain falls monotonically for this (decreasing) gain curve.
  let previous = Infinity;
  for (let x = 1000; x < 300000; x += 997) {
    const g = wideDynamicGain(x, lut);
    assert.ok(g <= previous + 1, `gain rises at ${x}`);
    previous = g;
  }
});

test('shrinks the SNR quadratically below 2 (Q12) and linearly above', () => {
  assert.equal(pcanShrink(0), 0);
  assert.equal(pcanShrink(4096), 16); // 1.0² in Q6 after >> 20
  assert.equal(pcanShrink(8191), 63);
  assert.equal(pcanShrink(8192), 64); // (8192 >> 6) - 64
  assert.equal(pcanShrink(100000), 1498);
});

test('applies gain from the noise estimate, then the shrink', () => {
  const pcan = new PcanGainControl(settings, 10, 3);
  const signal = Uint32Array.from([1000, 1000]);
  pcan.apply(signal, Uint32Array.from([0, 1 << 20]));
  // snr_shift = 21 - 3 - 12 = 6: gain 32636 -> snr 509937 -> (509937 >> 6) - 64.
  assert.equal(signal[0], (Math.floor((1000 * 32636) / 64) >>> 6) - 64);
  const g = wideDynamicGain(1 << 20, pcanGainTable(settings, 10, 3));
  assert.equal(signal[1], pcanShrink(Math.floor((1000 * g) / 64)));
  assert.ok(signal[1] < signal[0]);
});

test('refuses gain bits that would shift the SNR by a negative amount', () => {
  assert.throws(() => new PcanGainControl({ ...settings, gainBits: 10 }, 10, 3), /too small/);
});
