// The room impulse responses of rir_dir: listed like bg_noise_dir (its own root, hostile files are bad files, links
// out of it refused without follow_links), named relative to rir_dir, fingerprinted with the other inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import { listRirs } from '../../src/dataset/rir.js';
import { noTick } from '../../src/dataset/tick.js';
import { AudiogenError, ConfigError } from '../../src/errors.js';
import { makeConfig, tempDir, writeDataset } from '../helpers.js';
import { dataset, wav } from './support.js';

test('rir_dir lists its .wav files recursively and sorted, each checked; bad ones follow on_error', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  const rooms = join(tempDir(), 'rooms');
  writeDataset(rooms, { 'hall.wav': wav, 'small/booth.wav': wav, 'notes.txt': 'x', 'bad.wav': 'not a wav' });
  execFileSync('mkfifo', [join(rooms, 'pipe.wav')]);
  const l = await listDataset(makeConfig(dir, '/tmp/o', { generator: { rir_dir: rooms, on_error: 'skip' } }), {
    write: false,
  });
  assert.deepEqual(l.rirs, [
    { name: 'hall.wav', path: `${rooms}/hall.wav` },
    { name: 'small/booth.wav', path: `${rooms}/small/booth.wav` },
  ]);
  assert.deepEqual(
    l.skipped.map((b) => b.file.split('/').pop()),
    ['pipe.wav', 'bad.wav'],
  );
  assert.deepEqual(l.background, []);
  await assert.rejects(
    listDataset(makeConfig(dir, '/tmp/o', { generator: { rir_dir: rooms } }), { write: false }),
    /pipe\.wav: is a FIFO \(named pipe\), not a regular file \(set generator\.on_error: skip/,
  );
});

test('rir_dir is its own root: a link out of it is refused unless follow_links', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  writeDataset(join(dir, '_rooms_'), { 'hall.wav': wav });
  symlinkSync(join(dir, 'yes', 'spk0_nohash_0.wav'), join(dir, '_rooms_', 'speech.wav'));
  const rirs = { rir_dir: '_rooms_' };
  await assert.rejects(
    listDataset(makeConfig(dir, '/tmp/o', { generator: rirs }), { write: false }),
    /_rooms_\/speech\.wav: symlink points outside generator\.rir_dir/,
  );
  const followed = await listDataset(makeConfig(dir, '/tmp/o', { generator: rirs, dataset: { follow_links: true } }), {
    write: false,
  });
  assert.deepEqual(
    followed.rirs.map((r) => r.name),
    ['hall.wav', 'speech.wav'],
  );
});

test('no rir_dir: nothing listed; a missing one is a config error, one without a usable file an error naming it', async () => {
  const checks = { usable: async () => true, reject: () => {}, warnings: [] };
  const dir = dataset({ yes: 1 });
  assert.deepEqual(await listRirs(makeConfig(dir, '/tmp/o'), checks, noTick), []);
  await assert.rejects(
    listRirs(makeConfig(dir, '/tmp/o', { generator: { rir_dir: 'gone' } }), checks, noTick),
    (err: unknown) => err instanceof ConfigError && err.problems[0] === `generator.rir_dir: ${dir}/gone does not exist`,
  );
  writeDataset(join(dir, 'empty'), { 'readme.txt': 'x' });
  await assert.rejects(
    listRirs(makeConfig(dir, '/tmp/o', { generator: { rir_dir: 'empty' } }), checks, noTick),
    (err: unknown) =>
      err instanceof AudiogenError &&
      err.message === `generator.rir_dir: no usable audio files (.wav .flac .opus .ogg .mp3) in ${dir}/empty`,
  );
});
