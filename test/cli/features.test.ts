import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '../../src/io/npy.js';
import { encodeWavPcm16 } from '../../src/audio/wav.js';
import { outputPaths } from '../../src/cli/features.js';
import { AudiogenError } from '../../src/errors.js';
import { assertFails, FIXTURES, runCli, tempDir, writeConfig } from '../helpers.js';

const CONF = join(FIXTURES, 'conformance', 'frontend');
const cases = JSON.parse(readFileSync(join(CONF, 'cases.json'), 'utf8'));

function configFor(dir: string, name: string, generator: Record<string, unknown> = {}): string {
  return writeConfig(
    dir,
    {
      dataset: { directory: dir, classes: ['x'] },
      generator: { ...generator },
      frontend: cases.configs[name],
      output: { directory: join(dir, 'out') },
    },
    `${name}.yaml`,
  );
}

const load = (path: string) => decodeNpy(readFileSync(path));

test('features reproduces the reference spectrogram of an int16 .npy clip, per variant and output dtype', () => {
  const dir = tempDir();
  const c =
    cases.cases.find(
      (k: { config: string; variant: string; input: string }) =>
        k.config === 'micro_speech' && k.variant === 'tflm' && k.input.includes('yes'),
    ) ??
    cases.cases.find((k: { config: string; variant: string }) => k.config === 'micro_speech' && k.variant === 'tflm');
  const input = join(CONF, c.input);
  const u16 = runCli([
    'features',
    '--config',
    configFor(dir, 'micro_speech', { frontend_dtype: 'uint16' }),
    '--variant',
    'tflm',
    '--out',
    join(dir, 'u16'),
    input,
  ]);
  assert.equal(u16.code, 0, u16.stderr);
  const name = c.input.split('/').pop();
  const got = load(join(dir, 'u16', name));
  const want = load(join(CONF, c.uint16));
  assert.equal(got.dtype, 'uint16');
  assert.deepEqual(got.shape, c.shape);
  assert.deepEqual(got.data, want.data);
  const i8 = runCli([
    'features',
    '--config',
    configFor(dir, 'micro_speech', { frontend_dtype: 'int8' }),
    '--variant',
    'tflm',
    '--out',
    join(dir, 'i8'),
    input,
  ]);
  assert.equal(i8.code, 0, i8.stderr);
  assert.deepEqual(load(join(dir, 'i8', name)).data, load(join(CONF, c.int8)).data);
});

test('a 16-bit WAV of the same samples gives the same spectrogram, and --json reports shape and activity', () => {
  const dir = tempDir();
  const c = cases.cases.find(
    (k: { config: string; activity_detected?: boolean }) => k.config === 'activity' && k.activity_detected === true,
  );
  const pcm = load(join(CONF, c.input)).data as Int16Array;
  const wav = join(dir, 'clip.wav');
  writeFileSync(
    wav,
    encodeWavPcm16(
      Float32Array.from(pcm, (v) => v / 32768),
      16000,
    ),
  );
  const r = runCli([
    'features',
    '--config',
    configFor(dir, 'activity', { frontend_dtype: 'uint16' }),
    '--out',
    join(dir, 'f'),
    '--json',
    wav,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [result] = JSON.parse(r.stdout);
  assert.deepEqual(result.shape, c.shape);
  assert.equal(result.activity_detected, true);
  assert.deepEqual(load(result.output).data, load(join(CONF, c.uint16)).data);
});

test('features names an input it cannot use', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'bad.wav'), 'not audio');
  const r = runCli([
    'features',
    '--config',
    configFor(dir, 'micro_speech'),
    '--out',
    join(dir, 'f'),
    join(dir, 'bad.wav'),
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.wav: not a WAV.*\(set generator\.on_error: skip to leave bad files out\)/);
  assert.equal(existsSync(join(dir, 'f')), false);
});

test('outputs are checked before anything is written: one output for two inputs, or an output that is an input, is exit 2', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  for (const p of ['a/x.wav', 'b/x.wav', 'c.npy']) writeFileSync(join(dir, p), 'x');
  assert.deepEqual(outputPaths([join(dir, 'a/x.wav'), join(dir, 'c.npy')], join(dir, 'out')), [
    join(dir, 'out/x.npy'),
    join(dir, 'out/c.npy'),
  ]);
  const usage = (message: RegExp) => (err: unknown) =>
    err instanceof AudiogenError && err.exitCode === 2 && message.test(err.message);
  assert.throws(
    () => outputPaths([join(dir, 'a/x.wav'), join(dir, 'b/x.wav')], join(dir, 'out')),
    usage(/a\/x\.wav and .*b\/x\.wav would both be written to .*out\/x\.npy/),
  );
  assert.throws(
    () => outputPaths([join(dir, 'c.npy')], dir),
    usage(/c\.npy: --out would write .*c\.npy over this input/),
  );
  // The same file under another name (a hard link) is the same input.
  mkdirSync(join(dir, 'o'));
  linkSync(join(dir, 'c.npy'), join(dir, 'o', 'd.npy'));
  assert.throws(
    () => outputPaths([join(dir, 'a/x.wav'), join(dir, 'c.npy'), join(dir, 'b', 'd.wav')], join(dir, 'o')),
    usage(/c\.npy: --out would write .*o\/d\.npy over this input/),
  );
});

test('with on_error: skip a bad input is named and left out; the others are written', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'bad.wav'), 'not audio');
  writeFileSync(join(dir, 'good.wav'), encodeWavPcm16(new Float32Array(16000).fill(0.1), 16000));
  const r = runCli([
    'features',
    '--config',
    configFor(dir, 'micro_speech', { on_error: 'skip' }),
    '--out',
    join(dir, 'f'),
    join(dir, 'bad.wav'),
    join(dir, 'good.wav'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /skipped \(generator\.on_error: skip\): .*bad\.wav: not a WAV file/);
  assert.deepEqual(readdirSync(join(dir, 'f')), ['good.npy']);
});

const FLOAT = join(FIXTURES, 'conformance', 'float_frontend');
const floatCases = JSON.parse(readFileSync(join(FLOAT, 'cases.json'), 'utf8'));

function floatConfigFor(dir: string, name: string): string {
  return writeConfig(
    dir,
    {
      dataset: { directory: dir, classes: ['x'] },
      frontend: floatCases.configs[name],
      output: { directory: join(dir, 'out') },
    },
    `${name}.yaml`,
  );
}

test('features reproduces librosa\u2019s log-mel and MFCCs of float32 .npy clips within the conformance tolerances', () => {
  for (const name of Object.keys(floatCases.configs)) {
    const dir = tempDir();
    const picked = floatCases.cases
      .filter((k: { config: string; input: string }) => k.config === name && /-(chirp|seven|quiet)\.npy$/.test(k.input))
      .map((k: { input: string; expected: string; shape: number[]; tolerance: { abs: number; rel: number } }) => k);
    assert.equal(picked.length, 3);
    const r = runCli([
      'features',
      '--config',
      floatConfigFor(dir, name),
      '--out',
      join(dir, 'f'),
      '--json',
      ...picked.map((k: { input: string }) => join(FLOAT, k.input)),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(r.stdout);
    for (const [i, k] of picked.entries()) {
      assert.deepEqual(results[i].shape, k.shape);
      assert.equal(results[i].dtype, 'float32');
      assert.equal(results[i].activity_detected, false);
      const got = load(results[i].output);
      assert.equal(got.dtype, 'float32');
      assert.deepEqual(got.shape, k.shape);
      const want = load(join(FLOAT, k.expected)).data as Float64Array;
      const worst = (got.data as Float32Array).reduce(
        (w, v, j) => Math.max(w, Math.abs(v - want[j]) / (k.tolerance.abs + k.tolerance.rel * Math.abs(want[j]))),
        0,
      );
      assert.ok(worst <= 1, `${name} ${k.input}: ${worst} of the tolerance`);
    }
  }
});

test('an int16 .npy and a 16-bit WAV of the same samples give a float frontend the same features (PCM / 32768)', () => {
  const dir = tempDir();
  const pcm = Int16Array.from({ length: 16000 }, (_, i) => Math.round(9000 * Math.sin(i / 7) * Math.sin(i / 3000)));
  writeFileSync(join(dir, 'a.npy'), encodeNpy(pcm, 'int16', [pcm.length]));
  writeFileSync(
    join(dir, 'b.wav'),
    encodeWavPcm16(
      Float32Array.from(pcm, (v) => v / 32768),
      16000,
    ),
  );
  const asFloat = Float32Array.from(pcm, (v) => v / 32768);
  writeFileSync(join(dir, 'c.npy'), encodeNpy(asFloat, 'float32', [asFloat.length]));
  const r = runCli([
    'features',
    '--config',
    floatConfigFor(dir, 'mfcc'),
    '--out',
    join(dir, 'f'),
    ...['a.npy', 'b.wav', 'c.npy'].map((f) => join(dir, f)),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /a\.npy -> .*a\.npy \[51, 13\] float32\n/);
  const [a, b, c] = ['a', 'b', 'c'].map((f) => load(join(dir, 'f', `${f}.npy`)).data);
  assert.deepEqual(a, c);
  assert.deepEqual(b, c);
});

test('float32 audio outside [-1, 1] (or NaN) and other .npy dtypes are refused naming the file', () => {
  const dir = tempDir();
  const loud = new Float32Array(16000).fill(0.5);
  loud[123] = 1.5;
  writeFileSync(join(dir, 'loud.npy'), encodeNpy(loud, 'float32', [16000]));
  const nan = new Float32Array(16000);
  nan[7] = Number.NaN;
  writeFileSync(join(dir, 'nan.npy'), encodeNpy(nan, 'float32', [16000]));
  writeFileSync(join(dir, 'f64.npy'), encodeNpy(new Float64Array(16000), 'float64', [16000]));
  const config = floatConfigFor(dir, 'log_mel');
  const run = (file: string) => runCli(['features', '--config', config, '--out', join(dir, 'f'), join(dir, file)]);
  assertFails(run('loud.npy'), 1, /loud\.npy: sample 123 is 1\.5: float32 audio must lie in \[-1, 1\]/);
  assertFails(run('nan.npy'), 1, /nan\.npy: sample 7 is NaN/);
  assertFails(
    run('f64.npy'),
    1,
    /f64\.npy: expected a 1-D \.npy of int16 PCM or float32 audio in \[-1, 1\] at 16000 Hz, got float64/,
  );
  // The microfrontend takes float32 audio too (converted as the pipeline does).
  writeFileSync(join(dir, 'ok.npy'), encodeNpy(new Float32Array(16000).fill(0.25), 'float32', [16000]));
  const micro = runCli([
    'features',
    '--config',
    configFor(dir, 'micro_speech'),
    '--out',
    join(dir, 'm'),
    join(dir, 'ok.npy'),
  ]);
  assert.equal(micro.code, 0, micro.stderr);
  assert.equal(existsSync(join(dir, 'f')), false, 'nothing written for the refused inputs');
});

test('--variant with a float frontend is a config error naming frontend.variant', () => {
  const dir = tempDir();
  const r = runCli([
    'features',
    '--config',
    floatConfigFor(dir, 'log_mel'),
    '--variant',
    'tflm',
    '--out',
    join(dir, 'f'),
    join(FLOAT, 'inputs/log_mel-zeros.npy'),
  ]);
  assertFails(r, 2, /frontend\.variant: a microfrontend setting: not used by type log_mel.*\(from --variant\)/);
});

test('features checks the frontend settings even when builds would not run the frontend (frontend_enabled: false)', () => {
  const dir = tempDir();
  for (const frontend of [
    { type: 'log_mel', fft_length: 256 },
    { window_size_ms: 1000, sample_length_ms: 500 },
  ]) {
    const config = writeConfig(dir, {
      dataset: { directory: dir, classes: ['x'] },
      generator: { frontend_enabled: false },
      frontend,
      output: { directory: join(dir, 'out') },
    });
    const r = runCli(['features', '--config', config, '--out', join(dir, 'f'), join(FLOAT, 'inputs/mfcc-chirp.npy')]);
    assertFails(
      r,
      2,
      /^frontend\.(fft_length: 256 is shorter than the window|sample_length_ms: sample of 8000 samples is shorter than one window)/m,
    );
  }
});

test('a FLAC clip gives exactly the spectrogram of the WAV that flac -d makes of it; Opus, Vorbis and MP3 are read too', () => {
  const dir = tempDir();
  const codecs = join(FIXTURES, 'codecs');
  const inputs = [
    'flac-8-mono16k.flac',
    'flac-8-mono16k.ref.wav',
    'opus-mono16k.opus',
    'vorbis-mono16k.ogg',
    'mp3-cbr-mono16k.mp3',
  ];
  const r = runCli([
    'features',
    '--config',
    configFor(dir, Object.keys(cases.configs)[0]),
    '--out',
    join(dir, 'f'),
    '--json',
    ...inputs.map((f) => join(codecs, f)),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.parse(r.stdout) as { output: string }[];
  assert.equal(results.length, inputs.length);
  assert.deepEqual(load(results[0].output).data, load(results[1].output).data);
  for (const res of results) assert.ok((load(res.output).data as ArrayLike<number>).length > 0);
});
