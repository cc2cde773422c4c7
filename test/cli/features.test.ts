import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy } from '../../src/io/npy.js';
import { encodeWavPcm16 } from '../../src/audio/wav.js';
import { FIXTURES, runCli, tempDir, writeConfig } from '../helpers.js';

const CONF = join(FIXTURES, 'conformance', 'frontend');
const cases = JSON.parse(readFileSync(join(CONF, 'cases.json'), 'utf8'));

function configFor(dir: string, name: string, generator: Record<string, unknown> = {}): string {
  return writeConfig(dir, {
    dataset: { directory: dir, classes: ['x'] },
    generator: { ...generator },
    frontend: cases.configs[name],
    output: { directory: join(dir, 'out') },
  }, `${name}.yaml`);
}

const load = (path: string) => decodeNpy(readFileSync(path));

test('features reproduces the reference spectrogram of an int16 .npy clip, per variant and output dtype', () => {
  const dir = tempDir();
  const c = cases.cases.find((k: { config: string; variant: string; input: string }) => k.config === 'micro_speech' && k.variant === 'tflm' && k.input.includes('yes'))
    ?? cases.cases.find((k: { config: string; variant: string }) => k.config === 'micro_speech' && k.variant === 'tflm');
  const input = join(CONF, c.input);
  const u16 = runCli(['features', '--config', configFor(dir, 'micro_speech', { frontend_dtype: 'uint16' }), '--variant', 'tflm', '--out', join(dir, 'u16'), input]);
  assert.equal(u16.code, 0, u16.stderr);
  const name = c.input.split('/').pop();
  const got = load(join(dir, 'u16', name));
  const want = load(join(CONF, c.uint16));
  assert.equal(got.dtype, 'uint16');
  assert.deepEqual(got.shape, c.shape);
  assert.deepEqual(got.data, want.data);
  const i8 = runCli(['features', '--config', configFor(dir, 'micro_speech', { frontend_dtype: 'int8' }), '--variant', 'tflm', '--out', join(dir, 'i8'), input]);
  assert.equal(i8.code, 0, i8.stderr);
  assert.deepEqual(load(join(dir, 'i8', name)).data, load(join(CONF, c.int8)).data);
});

test('a 16-bit WAV of the same samples gives the same spectrogram, and --json reports shape and activity', () => {
  const dir = tempDir();
  const c = cases.cases.find((k: { config: string; activity_detected?: boolean }) => k.config === 'activity' && k.activity_detected === true);
  const pcm = load(join(CONF, c.input)).data as Int16Array;
  const wav = join(dir, 'clip.wav');
  writeFileSync(wav, encodeWavPcm16(Float32Array.from(pcm, (v) => v / 32768), 16000));
  const r = runCli(['features', '--config', configFor(dir, 'activity', { frontend_dtype: 'uint16' }), '--out', join(dir, 'f'), '--json', wav]);
  assert.equal(r.code, 0, r.stderr);
  const [result] = JSON.parse(r.stdout);
  assert.deepEqual(result.shape, c.shape);
  assert.equal(result.activity_detected, true);
  assert.deepEqual(load(result.output).data, load(join(CONF, c.uint16)).data);
});

test('features names an input it cannot use', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'bad.wav'), 'not audio');
  const r = runCli(['features', '--config', configFor(dir, 'micro_speech'), '--out', join(dir, 'f'), join(dir, 'bad.wav')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.wav: not a WAV/);
});
