// Per-class index files (shuffle_index_dir): the order is shuffled once and kept; a file that is not one, or a line
// that leaves its class folder, is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import { classIndex, indexFilePath, readIndexFile } from '../../src/dataset/index-file.js';
import { AudiogenError } from '../../src/errors.js';
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
  assert.deepEqual(
    first.subsets.validation!.samples.filter((s) => s.label === 0).map((s) => s.file),
    order.slice(0, 3).map((f) => `yes/${f}`),
  );

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
  await assert.rejects(
    () => listDataset(config, { write: false }),
    /yes\.txt:2: "\.\.\/\.\.\/etc\/passwd\.wav" points outside its class folder/,
  );
});

test('an index file that is a FIFO or a link out of shuffle_index_dir is named, never read', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  const idx = tempDir();
  execFileSync('mkfifo', [join(idx, 'yes.txt')]);
  const config = makeConfig(dir, '/tmp/o', { dataset: { shuffle_index_dir: idx } });
  await assert.rejects(
    listDataset(config, { write: false }),
    new RegExp(
      `${idx}/yes\\.txt: the index file is a FIFO \\(named pipe\\), not a regular file; delete it to rebuild it`,
    ),
  );
  unlinkSync(join(idx, 'yes.txt'));
  writeFileSync(join(dir, 'order.txt'), 'spk0_nohash_0.wav\n');
  symlinkSync(join(dir, 'order.txt'), join(idx, 'yes.txt'));
  await assert.rejects(
    listDataset(config, { write: false }),
    /yes\.txt: the index file is a symlink out of dataset\.shuffle_index_dir/,
  );
});

const listing = Array.from({ length: 20 }, (_, i) => `f${String(i).padStart(2, '0')}_nohash_0.wav`);

test('without shuffle_index_dir the order is the sorted listing, and nothing is written', () => {
  const idx = classIndex({ className: 'yes', listing, shuffleIndexDir: null, seed: 0, write: true });
  assert.deepEqual(idx, { files: listing, path: null, reused: false });
  assert.notEqual(idx.files, listing, 'a copy: the caller may change it');
});

test('a new index is the listing shuffled by (seed, class), written only when asked', () => {
  const dir = tempDir();
  const read = classIndex({ className: 'yes', listing, shuffleIndexDir: dir, seed: 0, write: false });
  assert.equal(read.path, indexFilePath(dir, 'yes'));
  assert.equal(read.path, join(dir, 'yes.txt'));
  assert.equal(read.reused, false);
  assert.equal(existsSync(read.path!), false);
  assert.deepEqual([...read.files].sort(), listing);
  assert.notDeepEqual(read.files, listing);
  assert.deepEqual(
    classIndex({ className: 'yes', listing, shuffleIndexDir: dir, seed: 0, write: false }).files,
    read.files,
  );
  assert.notDeepEqual(
    classIndex({ className: 'yes', listing, shuffleIndexDir: dir, seed: 1, write: false }).files,
    read.files,
  );
  assert.notDeepEqual(
    classIndex({ className: 'no', listing, shuffleIndexDir: dir, seed: 0, write: false }).files,
    read.files,
  );
  const written = classIndex({ className: 'yes', listing, shuffleIndexDir: dir, seed: 0, write: true });
  assert.deepEqual(written.files, read.files);
  assert.equal(readFileSync(written.path!, 'utf8'), read.files.join('\n') + '\n');
});

test('an index is reused, whatever the seed, while its files exist; new files are appended, written only when asked', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'yes.txt'), 'f03_nohash_0.wav\nf01_nohash_0.wav\n');
  const two = ['f01_nohash_0.wav', 'f02_nohash_0.wav', 'f03_nohash_0.wav', 'f04_nohash_0.wav'];
  const read = classIndex({ className: 'yes', listing: two, shuffleIndexDir: dir, seed: 5, write: false });
  assert.deepEqual(read, {
    files: ['f03_nohash_0.wav', 'f01_nohash_0.wav', 'f02_nohash_0.wav', 'f04_nohash_0.wav'],
    path: join(dir, 'yes.txt'),
    reused: true,
  });
  assert.equal(readFileSync(join(dir, 'yes.txt'), 'utf8'), 'f03_nohash_0.wav\nf01_nohash_0.wav\n');
  classIndex({ className: 'yes', listing: two, shuffleIndexDir: dir, seed: 5, write: true });
  assert.equal(readFileSync(join(dir, 'yes.txt'), 'utf8'), read.files.join('\n') + '\n');
  // A listed file gone: shuffled anew from the listing.
  const redone = classIndex({ className: 'yes', listing: two.slice(1), shuffleIndexDir: dir, seed: 5, write: false });
  assert.equal(redone.reused, false);
  assert.deepEqual([...redone.files].sort(), two.slice(1));
});

test('readIndexFile trims lines and skips blank ones; a line leaving the class folder is named with its line number', () => {
  const dir = tempDir();
  const path = join(dir, 'yes.txt');
  writeFileSync(path, '  a.wav \r\n\nsub/b.wav\n\n');
  assert.deepEqual(readIndexFile(path), ['a.wav', 'sub/b.wav']);
  for (const [line, text] of [
    [3, '/etc/passwd.wav'],
    [3, 'C:/x.wav'],
    [3, 'sub/../../x.wav'],
    [3, '..'],
    [3, 'sub\\x.wav'],
  ] as const) {
    writeFileSync(path, `a.wav\n\n${text}\n`);
    assert.throws(
      () => readIndexFile(path),
      (err: unknown) => {
        assert.ok(err instanceof AudiogenError);
        assert.equal(
          err.message,
          `${path}:${line}: "${text}" points outside its class folder; delete the index file to rebuild it`,
        );
        return true;
      },
    );
  }
});

test('readIndexFile names an index that is a folder or cannot be read, never reading it', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'yes.txt'));
  assert.throws(
    () => readIndexFile(join(dir, 'yes.txt')),
    new RegExp(
      `^AudiogenError: ${dir}/yes\\.txt: the index file is a folder, not a regular file; delete it to rebuild it$`,
    ),
  );
  symlinkSync(join(dir, 'gone'), join(dir, 'no.txt'));
  assert.throws(
    () => readIndexFile(join(dir, 'no.txt')),
    /no\.txt: the index file cannot be read \(ENOENT\); delete it to rebuild it$/,
  );
});
