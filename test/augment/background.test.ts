import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addLooped, BackgroundNoise } from '../../src/augment/background.js';
import { encodeWavPcm16 } from '../../src/audio/wav.js';
import { AudiogenError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);

test('mixing background noise at factor f adds f times its RMS (to silence)', () => {
  const noise = new Float32Array(8000);
  let s = 1;
  for (let i = 0; i < noise.length; i++) noise[i] = ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.8;
  for (const f of [0.1, 0.5, 1.3]) {
    const out = new Float32Array(16000);
    addLooped(out, noise, 1234, f);
    assert.ok(Math.abs(rms(out) / rms(noise) - f) < 1e-3, `factor ${f}: ${rms(out) / rms(noise)}`);
  }
});

test('a crop starts at the drawn offset and loops when the file is shorter than the sample', () => {
  const clip = Float32Array.from([1, 2, 3, 4, 5]);
  const out = new Float32Array(8).fill(10);
  addLooped(out, clip, 3, 2);
  assert.deepEqual([...out], [18, 20, 12, 14, 16, 18, 20, 12]);
});

test('background files are loaded once, mono, at the target rate', () => {
  const dir = tempDir();
  const x = new Float32Array(44100).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 44100));
  writeFileSync(join(dir, 'hum.wav'), encodeWavPcm16(x, 44100));
  const bg = new BackgroundNoise([{ name: 'hum.wav', path: join(dir, 'hum.wav') }], 16000);
  assert.deepEqual(bg.catalog, [{ name: 'hum.wav', samples: 16000 }]);
  const out = new Float32Array(16000);
  bg.addTo(out, 'hum.wav', 0, 1);
  assert.ok(Math.abs(rms(out) - 0.5 / Math.SQRT2) < 0.01, String(rms(out)));
});

test('a background file that cannot be read names itself (it may have changed since the listing checked it)', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'bad.wav'), 'not audio');
  assert.throws(
    () => new BackgroundNoise([{ name: 'bad.wav', path: join(dir, 'bad.wav') }], 16000),
    (err: unknown) =>
      err instanceof AudiogenError && /^background noise file .*bad\.wav: not a WAV file/.test(err.message),
  );
});
