// dataset.manifest: a dataset described by a CSV/TSV/JSON Lines file, listed through listDataset as a build does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import { hashPercentage } from '../../src/dataset/split.js';
import { AudiogenError, ConfigError } from '../../src/errors.js';
import { makeConfig, tempDir, writeDataset } from '../helpers.js';
import { wav } from './support.js';

/** A dataset folder of clips `<word>/<n>.wav` and a splits.csv describing them (MSWC's columns). */
function mswc(rows: [set: string, word: string, n: number, valid: string, speaker: string][]): string {
  const dir = tempDir();
  const files: Record<string, Buffer | string> = {};
  const lines = ['SET,LINK,WORD,VALID,SPEAKER,GENDER'];
  for (const [set, word, n, valid, speaker] of rows) {
    files[`clips/${word}/c_${n}.wav`] = wav;
    lines.push(`${set},${word}/c_${n}.wav,${word},${valid},${speaker},NAN`);
  }
  files['splits.csv'] = `${lines.join('\n')}\n`;
  return writeDataset(dir, files);
}

const COLUMNS = { path: 'LINK', label: 'WORD', subset: 'SET', speaker: 'SPEAKER' };
const NAMES = { training: 'TRAIN', validation: 'DEV', testing: 'TEST' };

const configOf = (dir: string, dataset: Record<string, unknown> = {}, generator: Record<string, unknown> = {}) =>
  makeConfig(join(dir, 'clips'), '/tmp/o', {
    dataset: {
      classes: ['yes', 'no', '_unknown_'],
      manifest: '../splits.csv',
      columns: COLUMNS,
      subset_names: NAMES,
      ...dataset,
    },
    generator: { unknown_class_percentage: 10, ...generator },
  });

const filesOf = (l: Awaited<ReturnType<typeof listDataset>>, subset: 'training' | 'validation' | 'testing') =>
  l.subsets[subset]!.samples.map((s) => s.file);

test('the subset column decides the split; where filters rows; other labels feed _unknown_ of their subset', async () => {
  const dir = mswc([
    ['TRAIN', 'yes', 1, 'True', 's1'],
    ['TRAIN', 'yes', 2, 'False', 's1'],
    ['DEV', 'yes', 3, 'True', 's2'],
    ['TEST', 'yes', 4, 'True', 's3'],
    ['TRAIN', 'no', 5, 'True', 's1'],
    ['DEV', 'no', 6, 'True', 's2'],
    ['TEST', 'no', 7, 'True', 's3'],
    ['TRAIN', 'cat', 8, 'True', 's1'],
    ['TEST', 'cat', 9, 'True', 's3'],
    ['TEST', 'cat', 10, 'False', 's3'],
    ['DEV', 'cat', 11, 'True', 's2'],
  ]);
  const l = await listDataset(configOf(dir, { where: { VALID: 'True' } }, { unknown_class_percentage: 1 }), {
    write: false,
  });
  assert.deepEqual(Object.keys(l.subsets), ['training', 'validation', 'testing']);
  assert.deepEqual(filesOf(l, 'training'), ['yes/c_1.wav', 'no/c_5.wav', 'cat/c_8.wav']);
  assert.deepEqual(filesOf(l, 'validation'), ['yes/c_3.wav', 'no/c_6.wav', 'cat/c_11.wav']);
  assert.deepEqual(filesOf(l, 'testing'), ['yes/c_4.wav', 'no/c_7.wav', 'cat/c_9.wav']);
  assert.deepEqual(l.warnings, []);
});

test('rows with another subset value are left out and counted; speakers in two subsets are counted', async () => {
  const dir = mswc([
    ['TRAIN', 'yes', 1, 'True', 's1'],
    ['VALIDATION', 'yes', 2, 'True', 's1'],
    ['', 'yes', 3, 'True', 's1'],
    ['TEST', 'yes', 4, 'True', 's1'],
    ['TRAIN', 'no', 5, 'True', 's2'],
    ['DEV', 'no', 6, 'True', 's3'],
  ]);
  const l = await listDataset(configOf(dir, { classes: ['yes', 'no'] }), { write: false });
  const csv = join(dir, 'splits.csv');
  assert.deepEqual(
    l.warnings.filter((w) => w.startsWith('dataset.')),
    [
      `dataset.subset_names: 2 rows of ${csv} with another SET value left out ("" 1, "VALIDATION" 1)`,
      `dataset.columns.speaker: 1 of the 3 speakers of ${csv} appear in more than one subset (the subset column decides, so their clips are in both)`,
    ],
  );
  assert.deepEqual(filesOf(l, 'testing'), ['yes/c_4.wav']);
});

test('without a subset column the hash split hashes the speaker: which_set(speaker), so a speaker never spans subsets', async () => {
  const rows: [string, string, number, string, string][] = [];
  for (let n = 0; n < 120; n++) rows.push(['', n % 2 ? 'yes' : 'no', n, 'True', `speaker${n % 30}`]);
  const dir = mswc(rows);
  const config = configOf(
    dir,
    { classes: ['yes', 'no'], columns: { ...COLUMNS, subset: null }, subset_names: null },
    { validation_split: 0.2, testing_split: 0.2 },
  );
  const l = await listDataset(config, { write: false });
  const speakerOf = (f: string) => `speaker${Number(/c_(\d+)/.exec(f)![1]) % 30}`;
  for (const [subset, lo, hi] of [
    ['validation', 0, 20],
    ['testing', 20, 40],
    ['training', 40, 100],
  ] as const) {
    for (const f of filesOf(l, subset)) {
      const p = hashPercentage(speakerOf(f!));
      assert.ok(p >= lo && p < hi, `${f} (${speakerOf(f!)}, ${p}) in ${subset}`);
    }
  }
  assert.ok(filesOf(l, 'testing').length > 0 && filesOf(l, 'validation').length > 0);
});

test('CSV, TSV and JSON Lines describe the same dataset', async () => {
  const dir = writeDataset(tempDir(), { 'a/1.wav': wav, 'a/2.wav': wav, 'b/3.wav': wav });
  writeFileSync(join(dir, 'm.tsv'), 'path\tlabel\na/1.wav\tyes\na/2.wav\tyes\nb/3.wav\tno\n');
  writeFileSync(
    join(dir, 'm.jsonl'),
    '{"path": "a/1.wav", "label": "yes"}\n{"path": "a/2.wav", "label": "yes"}\n{"path": "b/3.wav", "label": "no"}\n',
  );
  writeFileSync(join(dir, 'm.csv'), 'label,path\nyes,a/1.wav\nyes,"a/2.wav"\nno,b/3.wav\n');
  const listings = [];
  for (const m of ['m.tsv', 'm.jsonl', 'm.csv']) {
    const config = makeConfig(dir, '/tmp/o', {
      dataset: { classes: ['yes', 'no'], manifest: m, columns: { path: 'path', label: 'label' } },
    });
    listings.push((await listDataset(config, { write: false })).subsets.training!.samples);
  }
  assert.deepEqual(listings[0], [
    { label: 0, file: 'a/1.wav' },
    { label: 0, file: 'a/2.wav' },
    { label: 1, file: 'b/3.wav' },
  ]);
  assert.deepEqual(listings[1], listings[0]);
  assert.deepEqual(listings[2], listings[0]);
});

test('a row file that is missing or unreadable is a bad file per on_error, named with its row', async () => {
  const dir = mswc([
    ['TRAIN', 'yes', 1, 'True', 's'],
    ['TRAIN', 'yes', 2, 'True', 's'],
    ['TRAIN', 'no', 3, 'True', 's'],
  ]);
  writeFileSync(
    join(dir, 'splits.csv'),
    `${'SET,LINK,WORD,VALID,SPEAKER,GENDER\n'}TRAIN,yes/c_1.wav,yes,True,s,N\nTRAIN,yes/gone.wav,yes,True,s,N\nTRAIN,yes/c_2.wav,yes,True,s,N\nTRAIN,no/c_3.wav,no,True,s,N\n`,
  );
  await assert.rejects(listDataset(configOf(dir, { classes: ['yes', 'no'] }), { write: false }), (err: unknown) => {
    assert.ok(err instanceof AudiogenError && !(err instanceof ConfigError));
    assert.equal(
      err.message,
      `yes/gone.wav: does not exist (${join(dir, 'splits.csv')}:3) (set generator.on_error: skip to leave bad files out)`,
    );
    return true;
  });
  writeFileSync(join(dir, 'clips/yes/c_2.wav'), 'not audio');
  const l = await listDataset(configOf(dir, { classes: ['yes', 'no'] }, { on_error: 'skip' }), { write: false });
  assert.deepEqual(
    l.skipped.map((b) => b.file),
    ['yes/c_2.wav', 'yes/gone.wav'],
  );
  assert.match(l.skipped[0].reason, /^not a WAV file/);
  assert.equal(l.skipped[1].reason, `does not exist (${join(dir, 'splits.csv')}:3)`);
  assert.deepEqual(filesOf(l, 'training'), ['yes/c_1.wav', 'no/c_3.wav']);
});

test('paths must stay inside the dataset directory: ../, absolute paths and links out are refused', async () => {
  const dir = mswc([
    ['TRAIN', 'yes', 1, 'True', 's'],
    ['TRAIN', 'no', 2, 'True', 's'],
  ]);
  const header = 'SET,LINK,WORD,VALID,SPEAKER,GENDER\n';
  for (const link of ['../splits.csv', '/etc/passwd', 'yes/../../x.wav']) {
    writeFileSync(join(dir, 'splits.csv'), `${header}TRAIN,${link},yes,True,s,N\nTRAIN,no/c_2.wav,no,True,s,N\n`);
    await assert.rejects(listDataset(configOf(dir, { classes: ['yes', 'no'] }), { write: false }), (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(
        err.message,
        /^dataset\.manifest: \S+\/splits\.csv:2: ".*" is not a file inside the dataset directory/,
      );
      return true;
    });
  }
  const outside = writeDataset(tempDir(), { 'x.wav': wav });
  symlinkSync(join(outside, 'x.wav'), join(dir, 'clips/yes/link.wav'));
  writeFileSync(join(dir, 'splits.csv'), `${header}TRAIN,yes/link.wav,yes,True,s,N\nTRAIN,no/c_2.wav,no,True,s,N\n`);
  await assert.rejects(
    listDataset(configOf(dir, { classes: ['yes', 'no'] }), { write: false }),
    /yes\/link\.wav: resolves outside the dataset directory .* set dataset\.follow_links to allow it/,
  );
  const followed = await listDataset(configOf(dir, { classes: ['yes', 'no'], follow_links: true }), { write: false });
  assert.deepEqual(filesOf(followed, 'training'), ['yes/link.wav', 'no/c_2.wav']);
});

test('a clip named twice, a missing column, a class without rows are config errors naming the key', async () => {
  const dir = mswc([
    ['TRAIN', 'yes', 1, 'True', 's'],
    ['TRAIN', 'no', 2, 'True', 's'],
  ]);
  const header = 'SET,LINK,WORD,VALID,SPEAKER,GENDER\n';
  writeFileSync(join(dir, 'splits.csv'), `${header}TRAIN,yes/c_1.wav,yes,True,s,N\nTEST,./yes/c_1.wav,no,True,s,N\n`);
  await assert.rejects(
    listDataset(configOf(dir, { classes: ['yes', 'no'] }), { write: false }),
    /^ConfigError: dataset\.manifest: \S+\/splits\.csv:3: yes\/c_1\.wav is named again \(first on line 2\)/,
  );
  writeFileSync(join(dir, 'splits.csv'), `${header}TRAIN,yes/c_1.wav,yes,True,s,N\nTRAIN,no/c_2.wav,no,True,s,N\n`);
  await assert.rejects(
    listDataset(configOf(dir, { classes: ['yes', 'no'], columns: { ...COLUMNS, label: 'KEYWORD' } }), { write: false }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        `dataset.columns.label: ${join(dir, 'splits.csv')}: no column "KEYWORD" (it has "SET", "LINK", "WORD", "VALID", "SPEAKER", "GENDER")`,
      );
      return true;
    },
  );
  await assert.rejects(
    listDataset(configOf(dir, { classes: ['yes', 'no'], where: { CHECKED: 'y' } }), { write: false }),
    /^ConfigError: dataset\.where\.CHECKED: \S+\/splits\.csv: no column "CHECKED"/,
  );
  await assert.rejects(
    listDataset(configOf(dir, { classes: ['yes', 'left'] }), { write: false }),
    /^ConfigError: dataset\.classes\[1\]: no rows labelled "left" in \S+\/splits\.csv \(column WORD\)$/,
  );
  await assert.rejects(
    listDataset(configOf(dir, { classes: ['yes', 'no', '_unknown_'] }), { write: false }),
    /class "_unknown_": no rows of \S+\/splits\.csv with other labels to draw unknown samples from/,
  );
});

test('a listValidFilenames hook does not apply to a manifest', async () => {
  const dir = mswc([
    ['TRAIN', 'yes', 1, 'True', 's'],
    ['TRAIN', 'no', 2, 'True', 's'],
  ]);
  mkdirSync(join(dir, 'clips', 'other'), { recursive: true });
  await assert.rejects(
    listDataset(configOf(dir, { classes: ['yes', 'no'] }), { write: false, listValidFilenames: () => [] }),
    /^ConfigError: hooks: listValidFilenames lists class folders; it does not apply to dataset\.manifest$/,
  );
});
