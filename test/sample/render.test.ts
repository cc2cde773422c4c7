// One sample's audio: resampled, trimmed, placed at its offset, convolved with its room, then loudness and noise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeClip, SampleRenderer } from '../../src/sample/render.js';
import { IDENTITY } from '../../src/sample/params.js';
import { resample } from '../../src/audio/resample.js';
import { trimBounds } from '../../src/audio/trim.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convolveAligned, prepareRir, Reverb } from '../../src/augment/reverb.js';
import { BackgroundNoise } from '../../src/augment/background.js';
import { decodeWav, encodeWavPcm16 } from '../../src/audio/wav.js';
import { FIXTURES, makeConfig, tempDir } from '../helpers.js';
import { loadSimdFFT } from '../../src/dsp/fft-simd.js';
import { Spectrogram } from '../../src/frontend/spectrogram.js';
import { frontendDtypeOf } from '../../src/config/derive.js';

// The 'simd' engine's FFT (PFFFT) is loaded on demand.
await loadSimdFFT();

test('a short clip sits offset × the free room into the sample, zeros around it', () => {
  const out = new Float32Array(10);
  placeClip(new Float32Array([1, 2, 3, 4]), out, 0.5);
  assert.deepEqual([...out], [0, 0, 0, 1, 2, 3, 4, 0, 0, 0]);
  placeClip(new Float32Array([1, 2, 3, 4]), out, 0);
  assert.deepEqual([...out], [1, 2, 3, 4, 0, 0, 0, 0, 0, 0]);
  placeClip(new Float32Array([1, 2, 3, 4]), out, 1);
  assert.deepEqual([...out], [0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
});

test('a long clip is cropped by the same rule: offset 0 keeps the start, 1 the end', () => {
  const clip = new Float32Array([1, 2, 3, 4, 5, 6]);
  const out = new Float32Array(4);
  placeClip(clip, out, 0);
  assert.deepEqual([...out], [1, 2, 3, 4]);
  placeClip(clip, out, 1);
  assert.deepEqual([...out], [3, 4, 5, 6]);
});

test('a clip is resampled to the target rate, trimmed of silence and placed at the offset', () => {
  const config = makeConfig('/data', '/out', { frontend: { sample_rate_hz: 8000, sample_length_ms: 1000 } });
  const r = new SampleRenderer(config);
  // 0.25 s of a 440 Hz tone at 16 kHz between 0.25 s of silence on each side.
  const x = new Float32Array(12000);
  for (let i = 4000; i < 8000; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000);
  const y = resample(x, 16000, 8000);
  const [start, end] = trimBounds(y, 20);
  assert.ok(start > 0 && end < y.length, 'the silence is trimmed');
  const kept = y.subarray(start, end);
  const atStart = r.renderAudio({ sampleRate: 16000, channels: [x] }, { ...IDENTITY, offset: 0 });
  assert.equal(atStart.length, 8000);
  assert.deepEqual(atStart.subarray(0, kept.length), kept);
  assert.ok(atStart.subarray(kept.length).every((v) => v === 0));
  const atEnd = r.renderAudio({ sampleRate: 16000, channels: [x] }, { ...IDENTITY, offset: 1 });
  assert.deepEqual(atEnd.subarray(8000 - kept.length), kept);
  assert.ok(atEnd.subarray(0, 8000 - kept.length).every((v) => v === 0));
});

test("the audio is rendered where the frontend reads it, and its features equal those of a copy's", () => {
  const config = makeConfig('/data', '/out', { generator: { frontend_enabled: true } });
  const r = new SampleRenderer(config);
  const x = new Float32Array(12000);
  for (let i = 2000; i < 9000; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 523 * i) / 16000) + (i % 7) / 7000;
  const audio = r.renderAudio({ sampleRate: 16000, channels: [x] }, { ...IDENTITY, offset: 0.4 });
  const copy = Float32Array.from(audio);
  // In the frontend's memory: not a buffer of its own.
  assert.ok(audio.buffer.byteLength > audio.byteLength);
  const inPlace = Array.from(r.features(audio)!);
  const own = new Spectrogram(config.frontend, frontendDtypeOf(config));
  assert.deepEqual(inPlace, Array.from(own.run(copy)));
  assert.ok(
    inPlace.some((v) => v !== inPlace[0]),
    'the features vary',
  );
});

test('stereo input is mixed down to mono', () => {
  const config = makeConfig('/data', '/out', {
    generator: { trim_threshold_db: null },
    frontend: { sample_length_ms: 1 },
  });
  const r = new SampleRenderer(config);
  const left = new Float32Array(16).fill(0.5);
  const right = new Float32Array(16).fill(-0.25);
  const audio = r.renderAudio({ sampleRate: 16000, channels: [left, right] }, { ...IDENTITY, offset: 0 });
  assert.deepEqual([...audio], new Array(16).fill(0.125));
});

test('silence is a zero clip', () => {
  const r = new SampleRenderer(makeConfig('/data', '/out'));
  assert.ok(r.renderAudio(null, { ...IDENTITY, offset: 0.3 }).every((v) => v === 0));
});

test('reverb convolves the whole placed sample, before loudness and noise: the tail rings on into the padding', () => {
  const dir = join(FIXTURES, 'rir');
  const name = 'small-room-rt60-0.3s-16k.wav';
  const config = makeConfig('/data', '/out', { generator: { trim_threshold_db: null, rir_dir: dir } });
  const noiseDir = tempDir();
  const hum = new Float32Array(16000).map((_, i) => 0.2 * Math.sin((2 * Math.PI * 50 * i) / 16000));
  writeFileSync(join(noiseDir, 'hum.wav'), encodeWavPcm16(hum, 16000));
  const background = new BackgroundNoise([{ name: 'hum.wav', path: join(noiseDir, 'hum.wav') }], 16000);
  const reverb = new Reverb([{ name, path: join(dir, name) }], 16000, 16000);
  const r = new SampleRenderer(config, background, reverb);
  const x = new Float32Array(4000);
  for (let i = 0; i < x.length; i++)
    x[i] = 0.3 * Math.sin((2 * Math.PI * 700 * i) / 16000) * Math.sin((Math.PI * i) / 4000);
  const placed = new Float32Array(16000);
  placeClip(x, placed, 0.25);
  const wav = decodeWav(readFileSync(join(dir, name)));
  const wet = convolveAligned(placed, prepareRir(wav.channels[0], wav.sampleRate, 16000)!);
  const params = { ...IDENTITY, offset: 0.25, loudness: 2, rir_file: name };
  assert.deepEqual(
    r.renderAudio({ sampleRate: 16000, channels: [x] }, params),
    wet.map((v) => Math.fround(v * 2)),
  );
  // The noise is added after the room: it is not reverberated.
  const noisy = r.renderAudio(
    { sampleRate: 16000, channels: [x] },
    { ...params, noise: 'background', bg_file: 'hum.wav', noise_factor: 0.5 },
  );
  const want = wet.map((v) => Math.fround(v * 2));
  background.addTo(want, 'hum.wav', 0, 1);
  assert.deepEqual(noisy, want);
  // The clip ends at 3000 + 4000 samples; the room keeps ringing after it.
  const after = wet.subarray(7000 + 800, 7000 + 1600);
  assert.ok(Math.sqrt(after.reduce((a, v) => a + v * v, 0) / after.length) > 1e-3, 'a tail after the word');
  const dry = r.renderAudio({ sampleRate: 16000, channels: [x] }, { ...IDENTITY, offset: 0.25 });
  assert.ok(
    dry.subarray(7000).every((v) => v === 0),
    'without an RIR nothing follows the word',
  );
});

test('an RIR drawn without the files loaded is an internal error, not a silent dry sample', () => {
  const r = new SampleRenderer(makeConfig('/data', '/out'));
  assert.throws(
    () => r.renderAudio({ sampleRate: 16000, channels: [new Float32Array(100)] }, { ...IDENTITY, rir_file: 'x.wav' }),
    /no rir_dir files are loaded/,
  );
});
