// The float frontends' power spectrogram: librosa's frame count with and without centring, the Hann window centred
// in the FFT frame, |X|² in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PowerSpectrum } from '../../src/frontend/power-spectrum.js';
import { periodicHann } from '../../src/dsp/stft.js';

test('frames: 1 + n div step centred, 1 + (n − fft) div step without (none when the FFT does not fit)', () => {
  const centred = new PowerSpectrum({ fftLength: 512, window: 400, step: 160, center: true });
  const plain = new PowerSpectrum({ fftLength: 512, window: 400, step: 160, center: false });
  assert.equal(centred.frames(16000), 101);
  assert.equal(plain.frames(16000), 97);
  assert.equal(plain.frames(511), 0);
  assert.equal(centred.frames(511), 4);
});

test('a DC clip gives (Σ window)² at bin 0; a periodic Hann as long as the FFT leaks into bin 1 only', () => {
  for (const window of [400, 512]) {
    const ps = new PowerSpectrum({ fftLength: 512, window, step: 160, center: false });
    const power = new Float64Array(ps.bins);
    ps.frameInto(new Float32Array(16000).fill(0.5), 3, power);
    const sum = periodicHann(window).reduce((a, b) => a + b, 0) * 0.5;
    assert.ok(Math.abs(power[0] - sum * sum) < 1e-9 * sum * sum, `${power[0]} vs ${sum * sum}`);
    if (window === 512) {
      assert.ok(Math.abs(power[1] - power[0] / 4) < 1e-9 * power[0], 'the Hann window’s ±1 bins hold half its DC');
      for (let k = 2; k < ps.bins; k++) assert.ok(power[k] < 1e-20 * power[0], `bin ${k}: ${power[k]}`);
    }
  }
});

test('a tone on bin 64 peaks at bin 64', () => {
  const ps = new PowerSpectrum({ fftLength: 512, window: 512, step: 256, center: true });
  const clip = Float32Array.from({ length: 16000 }, (_, i) => Math.sin((2 * Math.PI * 64 * i) / 512));
  const power = new Float64Array(ps.bins);
  ps.frameInto(clip, 10, power);
  assert.equal(power.indexOf(Math.max(...power)), 64);
});

test('centred, frame 0 has the clip\u2019s first sample under the window\u2019s peak: a click there has a flat spectrum', () => {
  const click = new Float32Array(4000);
  click[0] = 1;
  for (const window of [400, 512, 301]) {
    const ps = new PowerSpectrum({ fftLength: 512, window, step: 100, center: true });
    const power = new Float64Array(ps.bins);
    ps.frameInto(click, 0, power);
    const peak = periodicHann(window)[window >> 1] ** 2;
    for (let k = 0; k < ps.bins; k++) assert.ok(Math.abs(power[k] - peak) < 1e-12, `window ${window}, bin ${k}`);
    // Without centring the clip starts at the frame's start, where the padded window is zero.
    const plain = new PowerSpectrum({ fftLength: 512, window, step: 100, center: false });
    plain.frameInto(click, 0, power);
    assert.ok(Math.max(...power) < 1e-20, `window ${window}: the click is outside the window`);
  }
});
