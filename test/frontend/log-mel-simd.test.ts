// The float frontends' 'simd' engine (assembly/logmel.ts, f64x2) against the 'reference' one (fft.js, float64):
// the same log-mel energies to ~1e-9 over every FFT size (radix-4 stages only, or a last radix-2 one), both
// framings, both logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontendSchema, type FloatFrontendSettings } from '../../src/config/schema.js';
import { LogMelFrontend } from '../../src/frontend/log-mel.js';

/** Noise, a tone and a quiet stretch: every bin and channel gets something, at very different levels. */
function signal(n: number, rate: number): Float32Array {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  return Float32Array.from({ length: n }, (_, i) =>
    i > n * 0.7 ? 1e-4 * random() : 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.2 * random(),
  );
}

const cases: Record<string, unknown>[] = [];
for (const fft_length of [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]) {
  // A window that fills the FFT and one shorter (centred in it), steps shorter and longer than the window, and
  // channels few enough for the short FFTs' bins.
  const window_size_ms = Math.max(1, Math.floor((fft_length * 1000) / 16000));
  cases.push({
    fft_length,
    window_size_ms,
    window_step_ms: 10,
    center: true,
    log: 'db',
    filterbank_n_channels: fft_length >= 256 ? 32 : fft_length / 16,
    filterbank_lower_band_limit: 125,
  });
  cases.push({
    fft_length,
    window_size_ms: Math.max(1, window_size_ms - 1),
    window_step_ms: 7,
    center: false,
    log: 'ln',
    filterbank_n_channels: fft_length >= 256 ? 20 : fft_length / 16,
    filterbank_lower_band_limit: 0,
  });
}

for (const over of cases) {
  test(`simd and reference agree: ${JSON.stringify(over)}`, () => {
    const s = frontendSchema.parse({ type: 'log_mel', mel_scale: 'htk', ...over }) as FloatFrontendSettings;
    const audio = signal(16000, 16000);
    const outs = (['simd', 'reference'] as const).map((engine) => {
      const f = new LogMelFrontend(s, engine);
      const out = new Float32Array(f.frames * f.channels);
      f.process(audio, out);
      return out;
    });
    assert.ok(outs[0].length > 0);
    for (let i = 0; i < outs[0].length; i++) {
      const [a, b] = [outs[0][i], outs[1][i]];
      // float32 outputs of float64 computations: a last-bit difference of the float32 at most.
      assert.ok(Math.abs(a - b) <= 2 ** -20 * Math.max(1, Math.abs(b)), `cell ${i}: ${a} vs ${b}`);
    }
  });
}

test('the simd engine keeps no state between clips', () => {
  const s = frontendSchema.parse({ type: 'mfcc', n_mfcc: 13 }) as FloatFrontendSettings;
  const f = new LogMelFrontend(s);
  const first = new Float32Array(f.frames * f.channels);
  const again = new Float32Array(first.length);
  const audio = signal(16000, 16000);
  f.process(audio, first);
  f.process(new Float32Array(16000).fill(0.25), again);
  f.process(audio, again);
  assert.deepEqual(again, first);
});
