// dataset.split_lists: Speech Commands' official lists decide the subsets; everything else is training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { makeConfig } from '../helpers.js';
import { dataset } from './support.js';

const CLASSES = ['yes', 'no', '_unknown_'];

function withLists(dir: string, validation: string[], testing: string[]): void {
  writeFileSync(join(dir, 'validation_list.txt'), validation.map((l) => `${l}\n`).join(''));
  writeFileSync(join(dir, 'testing_list.txt'), testing.map((l) => `${l}\n`).join(''));
}

const listsConfig = (dir: string, extra: Record<string, unknown> = {}) =>
  makeConfig(dir, '/tmp/o', {
    dataset: {
      classes: CLASSES,
      split_lists: { validation: 'validation_list.txt', testing: 'testing_list.txt' },
      ...extra,
    },
    generator: { unknown_class_percentage: 10 },
  });

const filesOf = (l: Awaited<ReturnType<typeof listDataset>>, subset: 'training' | 'validation' | 'testing') =>
  l.subsets[subset]!.samples.map((s) => s.file).sort();

test('listed files go to their subset and every other file to training, _unknown_ sources included', async () => {
  const dir = dataset({ yes: 4, no: 4, cat: 4 });
  withLists(
    dir,
    ['yes/spk0_nohash_0.wav', 'no/spk0_nohash_0.wav', 'cat/spk1_nohash_0.wav'],
    ['yes/spk3_nohash_0.wav', 'no/spk3_nohash_0.wav', 'cat/spk2_nohash_0.wav'],
  );
  const l = await listDataset(listsConfig(dir), { write: false });
  assert.deepEqual(Object.keys(l.subsets), ['training', 'validation', 'testing']);
  assert.deepEqual(filesOf(l, 'validation'), [
    'cat/spk1_nohash_0.wav',
    'no/spk0_nohash_0.wav',
    'yes/spk0_nohash_0.wav',
  ]);
  assert.deepEqual(filesOf(l, 'testing'), ['cat/spk2_nohash_0.wav', 'no/spk3_nohash_0.wav', 'yes/spk3_nohash_0.wav']);
  assert.equal(l.subsets.training!.classCounts.yes, 2);
  assert.equal(l.subsets.training!.classCounts.no, 2);
  assert.deepEqual(
    l.subsets.training!.samples.filter((s) => s.label === 2).map((s) => s.file),
    ['cat/spk0_nohash_0.wav', 'cat/spk3_nohash_0.wav'],
  );
  assert.deepEqual(
    l.warnings.filter((w) => w.startsWith('dataset.split_lists')),
    [],
  );
});

test('list lines are trimmed and normalized like torchaudio\u2019s normpath; blank lines and repeats are ignored', async () => {
  const dir = dataset({ yes: 3, no: 3, cat: 1 });
  writeFileSync(
    join(dir, 'validation_list.txt'),
    '  ./yes/spk0_nohash_0.wav \r\n\nyes//spk1_nohash_0.wav\nyes/spk1_nohash_0.wav\n',
  );
  writeFileSync(join(dir, 'testing_list.txt'), 'no/x/../spk2_nohash_0.wav');
  const l = await listDataset(listsConfig(dir), { write: false });
  assert.deepEqual(
    filesOf(l, 'validation').filter((f) => !f!.startsWith('cat')),
    ['yes/spk0_nohash_0.wav', 'yes/spk1_nohash_0.wav'],
  );
  assert.deepEqual(filesOf(l, 'testing'), ['no/spk2_nohash_0.wav']);
});

test('either list may be omitted: the subset it would fill is then not baked', async () => {
  const dir = dataset({ yes: 3, no: 3, cat: 1 });
  withLists(dir, [], ['yes/spk0_nohash_0.wav']);
  const l = await listDataset(
    makeConfig(dir, '/tmp/o', { dataset: { classes: CLASSES, split_lists: { testing: 'testing_list.txt' } } }),
    { write: false },
  );
  assert.deepEqual(Object.keys(l.subsets), ['training', 'testing']);
  assert.deepEqual(filesOf(l, 'testing'), ['yes/spk0_nohash_0.wav']);
});

test('listed files that do not exist are counted in one warning; files of folders the build does not read are not', async () => {
  const dir = dataset({ yes: 3, no: 3, cat: 2, bed: 2 });
  withLists(
    dir,
    ['yes/spk0_nohash_0.wav', 'yes/gone_nohash_0.wav', 'bed/spk0_nohash_0.wav'],
    ['no/spk0_nohash_0.wav', 'no/gone_nohash_1.wav', 'no/gone_nohash_2.wav', 'left/spk0_nohash_0.wav'],
  );
  // Without _unknown_, cat/ and bed/ are not read: their listed files exist, so they are not missing.
  const config = makeConfig(dir, '/tmp/o', {
    dataset: {
      classes: ['yes', 'no'],
      split_lists: { validation: 'validation_list.txt', testing: 'testing_list.txt' },
    },
  });
  const l = await listDataset(config, { write: false });
  assert.deepEqual(
    l.warnings.filter((w) => w.startsWith('dataset.split_lists')),
    [
      `dataset.split_lists: 1 of the 3 files named in validation_list.txt and 3 of the 4 files named in testing_list.txt do not exist in ${dir} (left/spk0_nohash_0.wav, no/gone_nohash_1.wav, no/gone_nohash_2.wav, ...); they are left out`,
    ],
  );
  assert.deepEqual(filesOf(l, 'testing'), ['no/spk0_nohash_0.wav']);
});

test('a file in both lists is a config error naming it; a list line out of the dataset directory too', async () => {
  const dir = dataset({ yes: 2, no: 2, cat: 1 });
  withLists(dir, ['yes/spk0_nohash_0.wav'], ['no/spk0_nohash_0.wav', './yes/spk0_nohash_0.wav']);
  await assert.rejects(listDataset(listsConfig(dir), { write: false }), (err: unknown) => {
    assert.ok(err instanceof ConfigError && err.exitCode === 2, String(err));
    assert.equal(
      err.message,
      'dataset.split_lists.testing: yes/spk0_nohash_0.wav is in both lists (testing_list.txt:2 and the validation list): a file belongs to one subset',
    );
    return true;
  });
  withLists(dir, ['../other/yes/a.wav'], []);
  await assert.rejects(
    listDataset(listsConfig(dir), { write: false }),
    /^ConfigError: dataset\.split_lists\.validation: validation_list\.txt:1: "\.\.\/other\/yes\/a\.wav" is not a file inside the dataset directory$/,
  );
});

test('a list that is missing or not a file is a config error naming the key, without blocking on a FIFO', async () => {
  const dir = dataset({ yes: 2, no: 2, cat: 1 });
  withLists(dir, [], []);
  const missing = makeConfig(dir, '/tmp/o', {
    dataset: { classes: CLASSES, split_lists: { validation: 'nope.txt' } },
  });
  await assert.rejects(
    listDataset(missing, { write: false }),
    /^ConfigError: dataset\.split_lists\.validation: nope\.txt does not exist$/,
  );
  execFileSync('mkfifo', [join(dir, 'fifo.txt')]);
  const fifo = makeConfig(dir, '/tmp/o', { dataset: { classes: CLASSES, split_lists: { testing: 'fifo.txt' } } });
  await assert.rejects(
    listDataset(fifo, { write: false }),
    /^ConfigError: dataset\.split_lists\.testing: fifo\.txt is a FIFO \(named pipe\), not a file$/,
  );
});

test('the lists apply after max_samples_per_class, as a split does', async () => {
  const dir = dataset({ yes: 5, no: 5, cat: 1 });
  withLists(dir, ['yes/spk4_nohash_0.wav', 'yes/spk0_nohash_0.wav'], []);
  const l = await listDataset(listsConfig(dir, { max_samples_per_class: 3 }), { write: false });
  assert.deepEqual(filesOf(l, 'validation'), ['yes/spk0_nohash_0.wav']);
  assert.equal(l.subsets.training!.classCounts.yes, 2);
  // A file capped away exists: it is not counted missing.
  assert.deepEqual(
    l.warnings.filter((w) => w.startsWith('dataset.split_lists')),
    [],
  );
});
