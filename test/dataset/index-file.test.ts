// Per-class index files (shuffle_index_dir): the order is shuffled once and kept; a file that is not one, or a line
// that leaves its class folder, is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import { makeConfig, tempDir } from '../helpers.js';
import { dataset, wav } from './support.js';

test('shuffle_index_dir: the class order is shuffled once, kept, extended with new files, redone when a file goes', async () => {
  const dir = dataset({ yes: 12, no: 12 });
  const idx = join(tempDir(), 'index');
  const config = makeConfig(dir, '/tmp/o', {
    dataset: { shuffle_index_dir: idx, validation_split_method: 'index' },
    generator: { validation_split: 0.25 },
  });
  const first = await listDataset(config, { write: true });
  const order = readFileSync(join(idx, 'yes.txt'), 'utf8').trim().split('\n');
  assert.equal(order.length, 12);
  assert.notDeepEqual(order, [...order].sort(), 'shuffled');
  assert.deepEqual(first.subsets.validation!.samples.filter((s) => s.label === 0).map((s) => s.file), order.slice(0, 3).map((f) => `yes/${f}`));

  writeFileSync(join(dir, 'yes', 'zz_nohash_0.wav'), wav);
  await listDataset(config, { write: true });
  const extended = readFileSync(join(idx, 'yes.txt'), 'utf8').trim().split('\n');
  assert.deepEqual(extended, [...order, 'zz_nohash_0.wav']);

  unlinkSync(join(dir, 'yes', order[0]));
  await listDataset(config, { write: true });
  const redone = readFileSync(join(idx, 'yes.txt'), 'utf8').trim().split('\n');
  assert.equal(redone.length, 12);
  assert.ok(!redone.includes(order[0]));
});

test('an index file line pointing outside the class folder is rejected', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  const idx = tempDir();
  writeFileSync(join(idx, 'yes.txt'), 'spk0_nohash_0.wav\n../../etc/passwd.wav\n');
  const config = makeConfig(dir, '/tmp/o', { dataset: { shuffle_index_dir: idx } });
  await assert.rejects(() => listDataset(config, { write: false }), /yes\.txt:2: "\.\.\/\.\.\/etc\/passwd\.wav" points outside its class folder/);
});

test('an index file that is a FIFO or a link out of shuffle_index_dir is named, never read', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  const idx = tempDir();
  execFileSync('mkfifo', [join(idx, 'yes.txt')]);
  const config = makeConfig(dir, '/tmp/o', { dataset: { shuffle_index_dir: idx } });
  await assert.rejects(listDataset(config, { write: false }), new RegExp(`${idx}/yes\\.txt: the index file is a FIFO \\(named pipe\\), not a regular file; delete it to rebuild it`));
  unlinkSync(join(idx, 'yes.txt'));
  writeFileSync(join(dir, 'order.txt'), 'spk0_nohash_0.wav\n');
  symlinkSync(join(dir, 'order.txt'), join(idx, 'yes.txt'));
  await assert.rejects(listDataset(config, { write: false }), /yes\.txt: the index file is a symlink out of dataset\.shuffle_index_dir/);
});
