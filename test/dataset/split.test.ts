import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPercentage, splitBy, splitFiles } from '../../src/dataset/split.js';

const hash = (validation: number, testing = 0) => ({ method: 'hash' as const, validation, testing });
const index = (validation: number, testing = 0) => ({ method: 'index' as const, validation, testing });

test('the hash split ignores everything from _nohash_ on and the folder', () => {
  assert.equal(hashPercentage('yes/0a7c2a8d_nohash_0.wav'), hashPercentage('no/0a7c2a8d_nohash_3.wav'));
  assert.notEqual(hashPercentage('yes/0a7c2a8d_nohash_0.wav'), hashPercentage('yes/0a7c2a8e_nohash_0.wav'));
});

test('the hash percentage is TensorFlow speech_commands which_set', () => {
  // int(sha1("0a7c2a8d").hexdigest(), 16) % 2^27 * (100 / (2^27 - 1)), computed with Python.
  const p = hashPercentage('yes/0a7c2a8d_nohash_0.wav');
  assert.ok(Math.abs(p - 56.836387193474074) < 1e-9, String(p));
});

test('a speaker never lands in both subsets and adding files never moves old ones', () => {
  const speakers = Array.from({ length: 200 }, (_, i) => `spk${i}`);
  const files = speakers.flatMap((s) => [`yes/${s}_nohash_0.wav`, `yes/${s}_nohash_1.wav`]);
  const split = splitFiles(files, hash(0.2));
  const valSpeakers = new Set(split.validation.map((f) => f.split('/')[1].split('_nohash_')[0]));
  for (const f of split.training) assert.ok(!valSpeakers.has(f.split('/')[1].split('_nohash_')[0]));
  assert.ok(split.validation.length > 40 && split.validation.length < 120, String(split.validation.length));
  const more = splitFiles([...files, 'yes/new1_nohash_0.wav', 'yes/new2_nohash_0.wav'], hash(0.2));
  assert.deepEqual(
    more.validation.filter((f) => !f.includes('new')),
    split.validation,
  );
});

test('the index split takes the first int(split × n) files of the class for validation', () => {
  const files = Array.from({ length: 10 }, (_, i) => `c/${i}.wav`);
  const split = splitFiles(files, index(0.25));
  assert.deepEqual(split.validation, ['c/0.wav', 'c/1.wav']);
  assert.equal(split.training.length, 8);
  assert.deepEqual(splitFiles(files, index(0)).validation, []);
});

test('the index split takes the next int(testing_split × n) files for testing', () => {
  const files = Array.from({ length: 10 }, (_, i) => `c/${i}.wav`);
  const split = splitFiles(files, index(0.25, 0.35));
  assert.deepEqual(split.validation, ['c/0.wav', 'c/1.wav']);
  assert.deepEqual(split.testing, ['c/2.wav', 'c/3.wav', 'c/4.wav']);
  assert.deepEqual(split.training, ['c/5.wav', 'c/6.wav', 'c/7.wav', 'c/8.wav', 'c/9.wav']);
  assert.deepEqual(splitFiles(files, index(0, 0.5)).testing, files.slice(0, 5));
});

test('the hash split is which_set: validation below its percentage, testing below validation + testing', () => {
  const files = Array.from({ length: 400 }, (_, i) => `yes/spk${i}_nohash_0.wav`);
  const split = splitFiles(files, hash(0.1, 0.2));
  for (const f of split.validation) assert.ok(hashPercentage(f) < 10, f);
  for (const f of split.testing) assert.ok(hashPercentage(f) >= 10 && hashPercentage(f) < 30, f);
  for (const f of split.training) assert.ok(hashPercentage(f) >= 30, f);
  assert.ok(split.testing.length > 50 && split.testing.length < 110, String(split.testing.length));
  // A testing split never moves a validation file: validation is the same as without it.
  assert.deepEqual(split.validation, splitFiles(files, hash(0.1)).validation);
});

test('the hash split can hash something else than the file name (a speaker)', () => {
  const files = ['a/1.wav', 'a/2.wav', 'a/3.wav'];
  const speaker: Record<string, string> = { 'a/1.wav': 'x', 'a/2.wav': 'y', 'a/3.wav': 'x' };
  const split = splitFiles(files, hash(0.5, 0.3), (f) => hashPercentage(speaker[f]));
  const subsetOf = (f: string) => (['training', 'validation', 'testing'] as const).find((s) => split[s].includes(f));
  assert.equal(subsetOf('a/1.wav'), subsetOf('a/3.wav'));
});

test('a split by a known subset per file keeps the order and leaves out files without one', () => {
  const split = splitBy(['a', 'b', 'c', 'd'], (f) => (f === 'b' ? 'testing' : f === 'c' ? null : 'training'));
  assert.deepEqual(split, { training: ['a', 'd'], validation: [], testing: ['b'] });
});
