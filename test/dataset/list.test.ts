import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listClassFiles, unknownSourceFolders } from '../../src/dataset/list.js';
import { InterruptedError } from '../../src/errors.js';
import { ticker } from '../../src/dataset/tick.js';
import { tempDir, toneWav, writeDataset } from '../helpers.js';
import { plantEntries } from '../attacks/hostile-wavs.js';

const wav = toneWav(0.05);

test('lists .wav files recursively, case-insensitively, sorted, skipping hidden and other files', async () => {
  const dir = writeDataset(tempDir(), {
    'yes/b.wav': wav,
    'yes/A.WAV': wav,
    'yes/sub/c.Wav': wav,
    'yes/notes.txt': 'x',
    'yes/.hidden.wav': wav,
    'yes/.cache/d.wav': wav,
  });
  assert.deepEqual((await listClassFiles(dir, 'yes', { followLinks: false })).files, ['A.WAV', 'b.wav', 'sub/c.Wav']);
});

test('a missing class folder is an error naming the class', async () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': wav });
  await assert.rejects(
    async () => (await listClassFiles(dir, 'no', { followLinks: false })).files,
    /no: folder .*\/no does not exist/,
  );
});

test('symlinked folders are entered only with follow_links', async () => {
  const root = tempDir();
  const dir = writeDataset(join(root, 'data'), { 'yes/a.wav': wav, 'extra/b.wav': wav });
  symlinkSync(join(dir, 'extra'), join(dir, 'yes', 'linked'));
  assert.deepEqual((await listClassFiles(dir, 'yes', { followLinks: false })).files, ['a.wav']);
  assert.deepEqual((await listClassFiles(dir, 'yes', { followLinks: true })).files, ['a.wav', 'linked/b.wav']);
});

test('a symlinked file pointing outside the dataset is rejected without follow_links', async () => {
  const root = tempDir();
  const dir = writeDataset(join(root, 'data'), { 'yes/a.wav': wav });
  writeFileSync(join(root, 'secret.wav'), wav);
  symlinkSync(join(root, 'secret.wav'), join(dir, 'yes', 'escape.wav'));
  await assert.rejects(
    async () => (await listClassFiles(dir, 'yes', { followLinks: false })).files,
    /yes\/escape\.wav: symlink points outside the dataset directory/,
  );
  assert.deepEqual((await listClassFiles(dir, 'yes', { followLinks: true })).files, ['a.wav', 'escape.wav']);
});

test('a symlinked file inside the dataset is listed', async () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': wav, 'no/b.wav': wav });
  symlinkSync(join(dir, 'no', 'b.wav'), join(dir, 'yes', 'b-link.wav'));
  assert.deepEqual((await listClassFiles(dir, 'yes', { followLinks: false })).files, ['a.wav', 'b-link.wav']);
});

test('a class folder that is a symlink out of the dataset is rejected without follow_links', async () => {
  const root = tempDir();
  const dir = join(root, 'data');
  mkdirSync(dir);
  writeDataset(join(root, 'elsewhere'), { 'a.wav': wav });
  symlinkSync(join(root, 'elsewhere'), join(dir, 'yes'));
  await assert.rejects(
    async () => (await listClassFiles(dir, 'yes', { followLinks: false })).files,
    /resolves outside the dataset directory/,
  );
  assert.deepEqual((await listClassFiles(dir, 'yes', { followLinks: true })).files, ['a.wav']);
});

test('follow_links survives a symlink cycle', async () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': wav });
  symlinkSync(join(dir, 'yes'), join(dir, 'yes', 'loop'));
  assert.deepEqual((await listClassFiles(dir, 'yes', { followLinks: true })).files, ['a.wav']);
});

test('unknown sources are the other folders, except those starting with _, . or ~', async () => {
  const dir = writeDataset(tempDir(), {
    'yes/a.wav': wav,
    'cat/a.wav': wav,
    'dog/a.wav': wav,
    '_background_noise_/n.wav': wav,
    '~tmp/a.wav': wav,
    '.git/x': 'x',
    'readme.txt': 'x',
  });
  assert.deepEqual(unknownSourceFolders(dir, ['yes', '_unknown_']).folders, ['cat', 'dog']);
});

test('FIFOs, sockets, links to FIFOs, dangling links and names that are not UTF-8 are bad entries, never files', async () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': wav });
  const planted = plantEntries(dir, 'yes');
  const listing = await listClassFiles(dir, 'yes', { followLinks: false });
  // empty.wav is a regular file: the probe, not the walk, finds it bad.
  assert.deepEqual(listing.files, ['a.wav', 'empty.wav']);
  const expected = [...planted.bad.keys()].filter((k) => k !== 'yes/empty.wav').map((k) => k.slice('yes/'.length));
  assert.deepEqual(
    listing.bad.map((b) => b.file),
    expected.sort(),
  );
  for (const b of listing.bad) assert.match(b.reason, planted.bad.get(`yes/${b.file}`)!, b.file);
});

test('valid names come out exactly as Node spells them (accents, both Unicode forms, a leading BOM, emoji)', async () => {
  const names = [
    'caf\u00e9.wav',
    'cafe\u0301.wav',
    '\ufeffbom.wav',
    'k\u00f6ln_nohash_1.wav',
    '\u{1f600}.wav',
    'z.WAV',
  ];
  const dir = writeDataset(tempDir(), Object.fromEntries(names.map((n) => [`yes/${n}`, wav])));
  assert.deepEqual(
    (await listClassFiles(dir, 'yes', { followLinks: false })).files,
    readdirSync(join(dir, 'yes')).sort(),
  );
});

test('the default extensions list WAV, FLAC, Opus, Ogg and MP3 files in any case; other audio is counted per extension', async () => {
  const dir = writeDataset(tempDir(), {
    'yes/a.wav': wav,
    'yes/b.FLAC': 'x',
    'yes/c.flac': 'x',
    'yes/sub/d.mp3': 'x',
    'yes/e.txt': 'x',
    'yes/f.Opus': 'x',
    'yes/g.OGG': 'x',
    'yes/h.m4a': 'x',
    'yes/i.AAC': 'x',
  });
  const listing = await listClassFiles(dir, 'yes', { followLinks: false });
  assert.deepEqual(listing.files, ['a.wav', 'b.FLAC', 'c.flac', 'f.Opus', 'g.OGG', 'sub/d.mp3']);
  assert.deepEqual(listing.otherAudio, { '.aac': 1, '.m4a': 1 });
});

test('dataset.extensions decides what is listed, in any case; listed-out audio (.wav too) is counted', async () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': wav, 'yes/b.FLAC': 'x', 'yes/c.oga': 'x', 'yes/d.mp3': 'x' });
  const listing = await listClassFiles(dir, 'yes', { followLinks: false, extensions: ['.flac', '.OGA'] });
  assert.deepEqual(listing.files, ['b.FLAC', 'c.oga']);
  assert.deepEqual(listing.otherAudio, { '.mp3': 1, '.wav': 1 });
});

test('a listing stays inside its own root: a folder listed as its own root refuses a file linked in from outside', async () => {
  const root = tempDir();
  writeDataset(root, { 'noise/hum.wav': wav, 'dataset/yes/a.wav': wav });
  symlinkSync(join(root, 'dataset', 'yes', 'a.wav'), join(root, 'noise', 'escape.wav'));
  await assert.rejects(
    listClassFiles(join(root, 'noise'), '.', {
      followLinks: false,
      rootName: 'generator.bg_noise_dir',
      label: 'noise',
    }),
    /noise\/escape\.wav: symlink points outside generator\.bg_noise_dir/,
  );
  assert.deepEqual((await listClassFiles(join(root, 'noise'), '.', { followLinks: true })).files, [
    'escape.wav',
    'hum.wav',
  ]);
});

test('the walk ticks, and stops with InterruptedError once its signal is aborted', async () => {
  const dir = writeDataset(tempDir(), Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`yes/${i}.wav`, wav])));
  const controller = new AbortController();
  controller.abort('SIGTERM');
  await assert.rejects(
    listClassFiles(dir, 'yes', { followLinks: false, tick: ticker(controller.signal) }),
    (err: unknown) => {
      assert.ok(err instanceof InterruptedError);
      assert.equal(err.exitCode, 130);
      assert.match(err.message, /interrupted by SIGTERM/);
      return true;
    },
  );
  let ticks = 0;
  await listClassFiles(dir, 'yes', { followLinks: false, tick: () => void ticks++ });
  assert.ok(ticks >= 50);
});

test('unknown sources skip folders whose names are not UTF-8, and report them', () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': wav, 'cat/a.wav': wav });
  mkdirSync(Buffer.from(`${dir}/d\xf6g`, 'latin1'));
  const sources = unknownSourceFolders(dir, ['yes', '_unknown_']);
  assert.deepEqual(sources.folders, ['cat']);
  assert.deepEqual(
    sources.bad.map((b) => b.file),
    ['d\\xf6g'],
  );
});
