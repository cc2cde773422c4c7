import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontendSchema, type FrontendSettings } from '../../src/config/schema.js';
import { AudioFeatureGenerator, checkFrontendSettings, floatToInt16 } from '../../src/frontend/frontend.js';

const settings = (over: Partial<FrontendSettings> = {}): FrontendSettings => frontendSchema.parse(over);
const paths = (s: FrontendSettings) => checkFrontendSettings(s).map((i) => i.path);

function tone(samples: number, hz: number, rate: number, amplitude: number, offset = 0): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) =>
    Math.round(offset + amplitude * Math.sin((2 * Math.PI * hz * i) / rate)),
  );
}

test('accepts the defaults and flags what the reference would reject', () => {
  assert.deepEqual(checkFrontendSettings(settings()), []);
  assert.deepEqual(paths(settings({ sample_rate_hz: 8000 })), ['frontend.filterbank_upper_band_limit']); // 7500 > 4000
  assert.deepEqual(paths(settings({ filterbank_lower_band_limit: 8000, filterbank_upper_band_limit: 7000 })), [
    'frontend.filterbank_lower_band_limit',
  ]);
  assert.deepEqual(paths(settings({ window_size_ms: 1000, sample_length_ms: 500 })), ['frontend.sample_length_ms']);
  assert.deepEqual(paths(settings({ window_step_ms: 30 })), ['frontend.window_step_ms']);
  assert.deepEqual(paths(settings({ pcan_enable: true })), ['frontend.pcan_enable']); // needs noise reduction
  // Just under Nyquist the top band still needs the bin at Nyquist itself.
  assert.deepEqual(paths(settings({ filterbank_upper_band_limit: 8000 })), ['frontend.filterbank_upper_band_limit']);
});

test('flags the features the tflm frontend does not have', () => {
  assert.deepEqual(paths(settings({ variant: 'tflm', noise_reduction_enable: true })), []);
  assert.deepEqual(
    paths(settings({ variant: 'tflm', dc_notch_filter_enable: true, activity_detection_enable: true })).sort(),
    ['frontend.activity_detection_enable', 'frontend.dc_notch_filter_enable', 'frontend.noise_reduction_enable'],
  );
});

test('refuses invalid settings, wrong clip lengths and short outputs', () => {
  assert.throws(() => new AudioFeatureGenerator(settings({ sample_rate_hz: 8000 })), /filterbank_upper_band_limit/);
  const generator = new AudioFeatureGenerator(settings());
  assert.throws(() => generator.process(new Int16Array(15999), new Uint16Array(98 * 32)), /expects 16000 samples/);
  assert.throws(() => generator.process(new Int16Array(16000), new Uint16Array(10)), /needs 3136/);
});

test('resets its state for every clip: the same clip gives the same spectrogram', () => {
  const s = settings({ noise_reduction_enable: true, pcan_enable: true, dc_notch_filter_enable: true });
  const generator = new AudioFeatureGenerator(s);
  const clip = tone(16000, 1000, 16000, 8000);
  const first = new Uint16Array(generator.frames * generator.channels);
  const second = new Uint16Array(first.length);
  generator.process(clip, first);
  generator.process(tone(16000, 300, 16000, 20000), second);
  generator.process(clip, second);
  assert.deepEqual(second, first);
});

test('puts a tone in the channel of its frequency', () => {
  const generator = new AudioFeatureGenerator(settings());
  const out = new Uint16Array(generator.frames * generator.channels);
  generator.process(tone(16000, 1000, 16000, 8000), out);
  const frame = out.subarray(50 * 32, 51 * 32);
  const loudest = frame.indexOf(Math.max(...frame));
  // 1 kHz sits between the 10th and 11th of 32 mel channels over 125..7500 Hz.
  assert.ok(loudest >= 9 && loudest <= 11, `loudest channel ${loudest}`);
  assert.ok(frame[loudest] > frame[0] + 200);
});

test('the DC notch filter (mltk only) removes an offset the plain frontend sees', () => {
  const clip = tone(16000, 1000, 16000, 2000, 12000);
  const run = (s: FrontendSettings) => {
    const g = new AudioFeatureGenerator(s);
    const out = new Uint16Array(g.frames * g.channels);
    g.process(clip, out);
    return out;
  };
  const plain = run(settings({ filterbank_lower_band_limit: 0 }));
  const notched = run(settings({ filterbank_lower_band_limit: 0, dc_notch_filter_enable: true }));
  // Channel 0 holds the lowest bins, where the offset's window leakage lands.
  assert.ok(notched[50 * 32] < plain[50 * 32] - 50, `${notched[50 * 32]} vs ${plain[50 * 32]}`);
});

test('reports activity (a rise after a fall) only when activity detection is enabled', () => {
  const generator = new AudioFeatureGenerator(settings());
  const bursts = new Int16Array(16000);
  bursts.set(tone(2000, 700, 16000, 20000), 3000);
  bursts.set(tone(2000, 700, 16000, 20000), 9000);
  assert.equal(generator.process(bursts, new Uint16Array(98 * 32)), false);
  const detecting = new AudioFeatureGenerator(settings({ activity_detection_enable: true }));
  assert.equal(detecting.process(bursts, new Uint16Array(98 * 32)), true);
});

test('converts to int8 with the fixed or the dynamic mapping per the settings', () => {
  const spectrogram = Uint16Array.from({ length: 98 * 32 }, (_, i) => 300 + (i % 400));
  const fixed = new Int8Array(spectrogram.length);
  new AudioFeatureGenerator(settings()).toInt8(spectrogram, fixed);
  assert.equal(fixed[0], Math.floor((300 * 256 + 333) / 666) - 128);
  const dynamic = new Int8Array(spectrogram.length);
  new AudioFeatureGenerator(settings({ quantize_dynamic_scale_enable: true })).toInt8(spectrogram, dynamic);
  assert.equal(dynamic[399], 127); // the maximum (699)
  assert.equal(dynamic[0], -128); // 300 < 699 - 294
});

test('re-exports the float to int16 conversion', () => {
  const out = new Int16Array(1);
  floatToInt16(Float32Array.from([1]), out);
  assert.equal(out[0], 32767);
});
