// The background-noise files of bg_noise_dir: listed like a class folder, inside their own root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import { makeConfig, writeDataset } from '../helpers.js';
import { dataset, wav } from './support.js';

test('bg_noise_dir is its own root: hostile files in it are bad files, links out of it are refused without follow_links', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  writeDataset(join(dir, '_background_noise_'), { 'hum.wav': wav });
  execFileSync('mkfifo', [join(dir, '_background_noise_', 'pipe.wav')]);
  const noise = { bg_noise_dir: '_background_noise_', bg_noise_range: [0, 0.1], on_error: 'skip' };
  const l = await listDataset(makeConfig(dir, '/tmp/o', { generator: noise }), { write: false });
  assert.deepEqual(l.background.map((b) => b.name), ['hum.wav']);
  assert.deepEqual(l.skipped, [{ file: '_background_noise_/pipe.wav', reason: 'is a FIFO (named pipe), not a regular file' }]);
  // A clip of the dataset is outside bg_noise_dir: the old listing followed such links anywhere.
  symlinkSync(join(dir, 'yes', 'spk0_nohash_0.wav'), join(dir, '_background_noise_', 'speech.wav'));
  await assert.rejects(listDataset(makeConfig(dir, '/tmp/o', { generator: noise }), { write: false }), /_background_noise_\/speech\.wav: symlink points outside generator\.bg_noise_dir/);
  const followed = await listDataset(makeConfig(dir, '/tmp/o', { generator: noise, dataset: { follow_links: true } }), { write: false });
  assert.deepEqual(followed.background.map((b) => b.name), ['hum.wav', 'speech.wav']);
});
