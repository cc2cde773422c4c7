// The background-noise files of bg_noise_dir: listed like a class folder, inside their own root, each checked under its
// name in the dataset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listBackground, type FileChecks } from '../../src/dataset/background.js';
import { listDataset } from '../../src/dataset/dataset.js';
import type { BadFile } from '../../src/dataset/probe.js';
import { noTick } from '../../src/dataset/tick.js';
import { AudiogenError, ConfigError } from '../../src/errors.js';
import { makeConfig, tempDir, writeDataset } from '../helpers.js';
import { dataset, wav } from './support.js';

test('bg_noise_dir is its own root: hostile files in it are bad files, links out of it are refused without follow_links', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  writeDataset(join(dir, '_background_noise_'), { 'hum.wav': wav });
  execFileSync('mkfifo', [join(dir, '_background_noise_', 'pipe.wav')]);
  const noise = { bg_noise_dir: '_background_noise_', bg_noise_range: [0, 0.1], on_error: 'skip' };
  const l = await listDataset(makeConfig(dir, '/tmp/o', { generator: noise }), { write: false });
  assert.deepEqual(
    l.background.map((b) => b.name),
    ['hum.wav'],
  );
  assert.deepEqual(l.skipped, [
    { file: '_background_noise_/pipe.wav', reason: 'is a FIFO (named pipe), not a regular file' },
  ]);
  // A clip of the dataset is outside bg_noise_dir: the old listing followed such links anywhere.
  symlinkSync(join(dir, 'yes', 'spk0_nohash_0.wav'), join(dir, '_background_noise_', 'speech.wav'));
  await assert.rejects(
    listDataset(makeConfig(dir, '/tmp/o', { generator: noise }), { write: false }),
    /_background_noise_\/speech\.wav: symlink points outside generator\.bg_noise_dir/,
  );
  const followed = await listDataset(makeConfig(dir, '/tmp/o', { generator: noise, dataset: { follow_links: true } }), {
    write: false,
  });
  assert.deepEqual(
    followed.background.map((b) => b.name),
    ['hum.wav', 'speech.wav'],
  );
});

/** FileChecks that record what they are asked; `unusable` names the files usable() refuses. */
function recorder(unusable: string[] = []) {
  const asked: [string, string][] = [];
  const rejected: BadFile[] = [];
  const checks: FileChecks = {
    usable: async (file, path) => {
      asked.push([file, path]);
      return !unusable.includes(file);
    },
    reject: (bad) => rejected.push(bad),
    warnings: [],
  };
  return { checks, asked, rejected };
}

test('no bg_noise_dir: no files, nothing checked', async () => {
  const r = recorder();
  assert.deepEqual(await listBackground(makeConfig(dataset({ yes: 1 }), '/tmp/o'), r.checks, noTick), []);
  assert.deepEqual([r.asked, r.rejected, r.checks.warnings], [[], [], []]);
});

test('the clips of bg_noise_dir (dataset.extensions), recursively and sorted, each checked under its name in the dataset', async () => {
  const dir = dataset({ yes: 1 });
  writeDataset(join(dir, 'noise'), { 'b.wav': wav, 'a/c.WAV': wav, 'z.wav': wav, 'notes.txt': 'x', 'x.m4a': 'x' });
  const r = recorder(['noise/z.wav']);
  const files = await listBackground(
    makeConfig(dir, '/tmp/o', { generator: { bg_noise_dir: 'noise', bg_noise_range: [0, 0.1] } }),
    r.checks,
    noTick,
  );
  assert.deepEqual(files, [
    { name: 'a/c.WAV', path: `${dir}/noise/a/c.WAV` },
    { name: 'b.wav', path: `${dir}/noise/b.wav` },
  ]);
  assert.deepEqual(r.asked, [
    ['noise/a/c.WAV', join(dir, 'noise', 'a/c.WAV')],
    ['noise/b.wav', join(dir, 'noise', 'b.wav')],
    ['noise/z.wav', join(dir, 'noise', 'z.wav')],
  ]);
  assert.deepEqual(r.checks.warnings, [
    'generator.bg_noise_dir: 1 audio file whose extension is not in dataset.extensions was not read (.m4a 1)',
  ]);
});

test('a bg_noise_dir outside the dataset names its files relative to the dataset; the dataset itself by their own names', async () => {
  const root = tempDir();
  const data = dataset({ yes: 1 });
  writeDataset(join(root, 'noise'), { 'hum.wav': wav });
  execFileSync('mkfifo', [join(root, 'noise', 'pipe.wav')]);
  const r = recorder();
  await listBackground(
    makeConfig(data, '/tmp/o', { generator: { bg_noise_dir: join(root, 'noise'), bg_noise_range: [0, 0.1] } }),
    r.checks,
    noTick,
  );
  const outside = relative(data, join(root, 'noise'));
  assert.deepEqual(
    r.asked.map(([f]) => f),
    [`${outside}/hum.wav`],
  );
  assert.deepEqual(r.rejected, [{ file: `${outside}/pipe.wav`, reason: 'is a FIFO (named pipe), not a regular file' }]);
  const same = recorder();
  const files = await listBackground(
    makeConfig(data, '/tmp/o', { generator: { bg_noise_dir: '.', bg_noise_range: [0, 0.1] } }),
    same.checks,
    noTick,
  );
  assert.deepEqual(
    same.asked.map(([f]) => f),
    ['yes/spk0_nohash_0.wav'],
  );
  assert.deepEqual(
    files.map((f) => f.name),
    ['yes/spk0_nohash_0.wav'],
  );
});

test('a bg_noise_dir without one usable file is an error naming it; a missing one is a config error', async () => {
  const dir = dataset({ yes: 1 });
  writeDataset(join(dir, 'noise'), { 'bad.wav': 'x', 'readme.txt': 'x' });
  const config = makeConfig(dir, '/tmp/o', { generator: { bg_noise_dir: 'noise', bg_noise_range: [0, 0.1] } });
  await assert.rejects(listBackground(config, recorder(['noise/bad.wav']).checks, noTick), (err: unknown) => {
    assert.ok(err instanceof AudiogenError && !(err instanceof ConfigError));
    assert.equal(
      err.message,
      `generator.bg_noise_dir: no usable audio files (.wav .flac .opus .ogg .mp3) in ${dir}/noise`,
    );
    return true;
  });
  const missing = makeConfig(dir, '/tmp/o', { generator: { bg_noise_dir: 'gone', bg_noise_range: [0, 0.1] } });
  await assert.rejects(listBackground(missing, recorder().checks, noTick), ConfigError);
});
