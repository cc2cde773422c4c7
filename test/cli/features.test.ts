import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy } from '../../src/io/npy.js';
import { encodeWavPcm16 } from '../../src/audio/wav.js';
import { outputPaths } from '../../src/cli/features.js';
import { AudiogenError } from '../../src/errors.js';
import { FIXTURES, runCli, tempDir, writeConfig } from '../helpers.js';

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
