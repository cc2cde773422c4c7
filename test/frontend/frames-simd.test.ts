import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontendSchema, type FrontendSettings } from '../../src/config/schema.js';
import { AudioFeatureGenerator, floatToInt16 } from '../../src/frontend/frontend.js';

const settings = (over: Partial<FrontendSettings>): FrontendSettings => frontendSchema.parse(over);

/** Loud, quiet and clipped stretches of a chirp plus pseudo-random noise: every FFT input shift occurs. */
function testClip(samples: number, seed: number): Int16Array {
  let state = seed;
  const noise = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  return Int16Array.from({ length: samples }, (_, i) => {
    const level = [0, 3, 300, 9000, 40000][Math.floor((5 * i) / samples)];
    const chirp = Math.sin((2 * Math.PI * (50 + i / 4) * i) / samples);
    return Math.max(-32768, Math.min(32767, Math.round(level * (0.7 * chirp + 0.3 * noise()))));
  });
}

/** [simd, reference] spectrograms of `pcm`. */
function bothEngines(s: FrontendSettings, pcm: Int16Array): [Uint16Array, Uint16Array] {
  const outs = (['simd', 'reference'] as const).map((engine) => {
    const g = new AudioFeatureGenerator(s, engine);
    const out = new Uint16Array(g.frames * g.channels);
    g.process(pcm, out);
    return out;
  });
  return [outs[0], outs[1]];
}

// FFT sizes 8 to 4096: radix-2 leaves, radix-4 stages with m < 4 (the scalar path) and the SIMD path.
for (const [rate, windowMs, stepMs, channels, upper] of [
  [8000, 1, 1, 2, 3000], // 8 samples -> 8-point FFT (n = 4)
  [8000, 2, 1, 3, 3000], // 16 -> 16-point (n = 8: a radix-2 leaf, an m = 2 stage)
  [16000, 2, 1, 5, 7000], // 32 -> 32 (n = 16)
  [8000, 32, 16, 20, 3800], // 256 -> 256 (n = 128, radix-2 leaf)
  [16000, 30, 20, 40, 7500], // 480 -> 512 (n = 256)
  [44100, 90, 10, 80, 20000], // 3969 -> 4096 (n = 2048)
] as const) {
  test(`the simd and reference engines agree bit for bit at ${rate} Hz with a ${windowMs} ms window`, () => {
    const s = settings({
      sample_rate_hz: rate,
      window_size_ms: windowMs,
      window_step_ms: stepMs,
      filterbank_n_channels: channels,
      filterbank_lower_band_limit: 125,
      filterbank_upper_band_limit: upper,
      noise_reduction_enable: true,
      pcan_enable: true,
    });
    for (const seed of [1, 2]) {
      const g = new AudioFeatureGenerator(s);
      const [simd, reference] = bothEngines(s, testClip(g.samples, seed));
      assert.ok(
        reference.some((v) => v > 0),
        'the clip gives a non-empty spectrogram',
      );
      assert.deepEqual(simd, reference);
    }
  });
}

test('the simd engine runs the DC notch filter like the reference engine', () => {
  const s = settings({ sample_rate_hz: 8000, filterbank_upper_band_limit: 3800, dc_notch_filter_enable: true });
  const pcm = testClip(8000, 3).map((v) => Math.max(-32768, Math.min(32767, v + 5000)));
  const [simd, reference] = bothEngines(s, pcm);
  assert.deepEqual(simd, reference);
});

test('processAudio converts float audio like floatToInt16, NaN and full scale included', () => {
  const s = settings({
    window_size_ms: 30,
    window_step_ms: 20,
    filterbank_n_channels: 40,
    noise_reduction_enable: true,
    pcan_enable: true,
  });
  const g = new AudioFeatureGenerator(s);
  const audio = Float32Array.from(testClip(g.samples, 4), (v) => v / 30000);
  audio[100] = NaN;
  audio[200] = 1.5;
  audio[201] = -7;
  audio[202] = Infinity;
  audio[16000 - 1] = -1;
  for (const engine of ['simd', 'reference'] as const) {
    const generator = new AudioFeatureGenerator(s, engine);
    const viaAudio = new Uint16Array(g.frames * g.channels);
    generator.processAudio(audio, viaAudio);
    const pcm = new Int16Array(g.samples);
    floatToInt16(audio, pcm);
    const viaPcm = new Uint16Array(viaAudio.length);
    new AudioFeatureGenerator(s, 'reference').process(pcm, viaPcm);
    assert.deepEqual(viaAudio, viaPcm, engine);
  }
});
