// The float frontends: their feasibility rules (each naming its key), the ln and dB logs with top_db's floor, the
// MFCCs, and the output's layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontendSchema, type FloatFrontendSettings } from '../../src/config/schema.js';
import { checkFloatFrontendSettings, LogMelFrontend } from '../../src/frontend/log-mel.js';

const settings = (over: Record<string, unknown> = {}): FloatFrontendSettings =>
  frontendSchema.parse({ type: 'log_mel', ...over }) as FloatFrontendSettings;
const paths = (over: Record<string, unknown>) => checkFloatFrontendSettings(settings(over)).map((i) => i.path);

/** One second of a 1 kHz tone at `amplitude` over its first half, silence after. */
function toneThenSilence(amplitude: number, rate = 16000): Float32Array {
  return Float32Array.from({ length: rate }, (_, i) =>
    i < rate / 2 ? amplitude * Math.sin((2 * Math.PI * 1000 * i) / rate) : 0,
  );
}

function run(s: FloatFrontendSettings, audio: Float32Array): { out: Float32Array; frontend: LogMelFrontend } {
  const frontend = new LogMelFrontend(s);
  const out = new Float32Array(frontend.frames * frontend.channels);
  frontend.process(audio, out);
  return { out, frontend };
}

test('defaults and the conformance settings are feasible', () => {
  assert.deepEqual(checkFloatFrontendSettings(settings()), []);
  assert.deepEqual(checkFloatFrontendSettings(settings({ type: 'mfcc', n_mfcc: 13, window_size_ms: 30 })), []);
});

test('each infeasible setting is named by the key to change', () => {
  assert.deepEqual(paths({ sample_rate_hz: 1000, window_size_ms: 3, filterbank_upper_band_limit: 400 }), [
    'frontend.window_size_ms',
  ]);
  assert.deepEqual(paths({ fft_length: 256 }), ['frontend.fft_length']); // 400-sample window
  assert.deepEqual(paths({ center: false, fft_length: 2048, sample_length_ms: 100 }), ['frontend.sample_length_ms']);
  assert.deepEqual(paths({ sample_rate_hz: 8000 }), ['frontend.filterbank_upper_band_limit']); // 7500 > 4000
  assert.deepEqual(paths({ filterbank_lower_band_limit: 7500 }), ['frontend.filterbank_lower_band_limit']);
  assert.deepEqual(paths({ type: 'mfcc', n_mfcc: 33 }), ['frontend.n_mfcc']); // 32 channels
  // 62.5 Hz bins, triangles 46 Hz wide at the bottom of 128 channels.
  const crowded = { filterbank_n_channels: 128, filterbank_lower_band_limit: 0, fft_length: 256, window_size_ms: 16 };
  assert.deepEqual(paths(crowded), ['frontend.filterbank_n_channels']);
  const [empty] = checkFloatFrontendSettings(settings(crowded));
  assert.match(empty.message, /mel channel\(s\) \(\d+.*\) fall between two FFT bins.*longer fft_length \(256 now\)/);
  assert.deepEqual(paths({ ...crowded, fft_length: 512 }), [], 'a longer FFT fills them');
  assert.throws(() => new LogMelFrontend(settings({ fft_length: 256 })), /frontend\.fft_length: 256 is shorter/);
});

test('log ln is ln(mel + log_offset): silence gives ln(log_offset)', () => {
  const { out } = run(settings({ log: 'ln', log_offset: 1e-3 }), new Float32Array(16000));
  assert.ok(out.every((v) => v === Math.fround(Math.log(1e-3))));
});

test('log db floors at top_db below the clip\u2019s maximum, and at -100 dB (amin) without top_db', () => {
  const audio = toneThenSilence(0.5);
  const { out } = run(settings({ top_db: 40 }), audio);
  const max = Math.max(...out);
  assert.ok(max > 0, `a 0.5 tone is loud: ${max} dB`);
  assert.ok(Math.abs(Math.min(...out) - (max - 40)) < 1e-5, 'the silence sits on the floor');
  const { out: unfloored } = run(settings({ top_db: null }), audio);
  assert.equal(Math.min(...unfloored), -100, 'silence: 10·log10(1e-10)');
  assert.equal(Math.max(...unfloored), max);
});

test('mfcc is the orthonormal DCT of the dB log-mel: silence gives c0 = -100·sqrt(channels), the rest 0', () => {
  const s = settings({ type: 'mfcc', n_mfcc: 13, filterbank_n_channels: 40 });
  const { out, frontend } = run(s, new Float32Array(16000));
  assert.deepEqual([frontend.frames, frontend.channels], [101, 13]);
  for (let t = 0; t < frontend.frames; t++) {
    assert.ok(Math.abs(out[t * 13] + 100 * Math.sqrt(40)) < 1e-3);
    for (let k = 1; k < 13; k++) assert.ok(Math.abs(out[t * 13 + k]) < 1e-3, `frame ${t}, c${k}: ${out[t * 13 + k]}`);
  }
});

test('the output is frame-major [frames, channels]: the tone\u2019s frames come first, the louder channels around 1 kHz', () => {
  const { out, frontend } = run(settings({ top_db: null }), toneThenSilence(0.5));
  const rowMax = (t: number) => Math.max(...out.subarray(t * frontend.channels, (t + 1) * frontend.channels));
  assert.ok(rowMax(10) > 0 && rowMax(90) === -100, `${rowMax(10)}, ${rowMax(90)}`);
  const row = Array.from(out.subarray(10 * frontend.channels, 11 * frontend.channels));
  const loudest = row.indexOf(Math.max(...row));
  assert.ok(loudest > 5 && loudest < 20, `1 kHz lands in a low-middle channel of 32 up to 7.5 kHz: ${loudest}`);
});

test('a clip of the wrong length or a short output is refused', () => {
  const frontend = new LogMelFrontend(settings());
  assert.throws(() => frontend.process(new Float32Array(100), new Float32Array(101 * 32)), /expects 16000 samples/);
  assert.throws(() => frontend.process(new Float32Array(16000), new Float32Array(10)), /holds 10 values/);
});
