import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listClassFiles, unknownSourceFolders } from '../../src/dataset/list.js';
import { tempDir, toneWav, writeDataset } from '../helpers.js';

const wav = toneWav(0.05);

test('lists .wav files recursively, case-insensitively, sorted, skipping hidden and other files', () => {
  const dir = writeDataset(tempDir(), {
    'yes/b.wav': wav,
    'yes/A.WAV': wav,
    'yes/sub/c.Wav': wav,
    'yes/notes.txt': 'x',
    'yes/.hidden.wav': wav,
    'yes/.cache/d.wav': wav,
  });
  assert.deepEqual(listClassFiles(dir, 'yes', false), ['A.WAV', 'b.wav', 'sub/c.Wav']);
});

test('a missing class folder is an error naming the class', () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': wav });
  assert.throws(() => listClassFiles(dir, 'no', false), /class "no": folder .*\/no does not exist/);
});

test('symlinked folders are entered only with follow_links', () => {
  const root = tempDir();
  const dir = writeDataset(join(root, 'data'), { 'yes/a.wav': wav, 'extra/b.wav': wav });
  symlinkSync(join(dir, 'extra'), join(dir, 'yes', 'linked'));
  assert.deepEqual(listClassFiles(dir, 'yes', false), ['a.wav']);
  assert.deepEqual(listClassFiles(dir, 'yes', true), ['a.wav', 'linked/b.wav']);
});

test('a symlinked file pointing outside the dataset is rejected without follow_links', () => {
  const root = tempDir();
  const dir = writeDataset(join(root, 'data'), { 'yes/a.wav': wav });
  writeFileSync(join(root, 'secret.wav'), wav);
  symlinkSync(join(root, 'secret.wav'), join(dir, 'yes', 'escape.wav'));
  assert.throws(() => listClassFiles(dir, 'yes', false), /yes\/escape\.wav: symlink points outside the dataset directory/);
  assert.deepEqual(listClassFiles(dir, 'yes', true), ['a.wav', 'escape.wav']);
});

test('a symlinked file inside the dataset is listed', () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': wav, 'no/b.wav': wav });
  symlinkSync(join(dir, 'no', 'b.wav'), join(dir, 'yes', 'b-link.wav'));
  assert.deepEqual(listClassFiles(dir, 'yes', false), ['a.wav', 'b-link.wav']);
});

test('a class folder that is a symlink out of the dataset is rejected without follow_links', () => {
  const root = tempDir();
  const dir = join(root, 'data');
  mkdirSync(dir);
  writeDataset(join(root, 'elsewhere'), { 'a.wav': wav });
  symlinkSync(join(root, 'elsewhere'), join(dir, 'yes'));
  assert.throws(() => listClassFiles(dir, 'yes', false), /resolves outside the dataset directory/);
  assert.deepEqual(listClassFiles(dir, 'yes', true), ['a.wav']);
});

test('follow_links survives a symlink cycle', () => {
  const dir = writeDataset(tempDir(), { 'yes/a.wav': wav });
  symlinkSync(join(dir, 'yes'), join(dir, 'yes', 'loop'));
  assert.deepEqual(listClassFiles(dir, 'yes', true), ['a.wav']);
});

test('unknown sources are the other folders, except those starting with _, . or ~', () => {
  const dir = writeDataset(tempDir(), {
    'yes/a.wav': wav,
    'cat/a.wav': wav,
    'dog/a.wav': wav,
    '_background_noise_/n.wav': wav,
    '~tmp/a.wav': wav,
    '.git/x': 'x',
    'readme.txt': 'x',
  });
  assert.deepEqual(unknownSourceFolders(dir, ['yes', '_unknown_']), ['cat', 'dog']);
});
