// One step for every frontend type: float audio in, the spectrogram in the frontend's output dtype out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontendSchema, type FloatFrontendSettings } from '../../src/config/schema.js';
import { AudioFeatureGenerator } from '../../src/frontend/frontend.js';
import { LogMelFrontend } from '../../src/frontend/log-mel.js';
import { Spectrogram } from '../../src/frontend/spectrogram.js';

const audio = Float32Array.from({ length: 16000 }, (_, i) => 0.4 * Math.sin(i * 0.3) * Math.sin(i * 0.0007));

test('a float frontend writes its float32 [frames, channels] as they are', () => {
  const s = frontendSchema.parse({ type: 'mfcc', n_mfcc: 13, window_size_ms: 30, window_step_ms: 20 });
  const spectrogram = new Spectrogram(s, 'float32');
  assert.deepEqual([spectrogram.frames, spectrogram.channels, spectrogram.samples], [51, 13, 16000]);
  const values = spectrogram.run(audio);
  const want = new Float32Array(51 * 13);
  new LogMelFrontend(s as FloatFrontendSettings).process(audio, want);
  assert.ok(values instanceof Float32Array);
  assert.deepEqual(values, want);
  assert.equal(spectrogram.activity, false);
  assert.throws(() => new Spectrogram(s, 'uint16'), /writes float32, not uint16/);
});

test('the microfrontend writes uint16, its float32 cast or its int8 quantization, as before', () => {
  const s = frontendSchema.parse({ window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 });
  const generator = new AudioFeatureGenerator(s);
  const raw = new Uint16Array(49 * 40);
  generator.processAudio(audio, raw);
  const int8 = new Int8Array(raw.length);
  generator.toInt8(raw, int8);
  assert.deepEqual(new Spectrogram(s, 'uint16').run(audio), raw);
  assert.deepEqual(new Spectrogram(s, 'float32').run(audio), Float32Array.from(raw));
  assert.deepEqual(new Spectrogram(s, 'int8').run(audio), int8);
});
