import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPercentage, splitFiles } from '../../src/dataset/split.js';

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
  const split = splitFiles(files, 'hash', 0.2);
  const valSpeakers = new Set(split.validation.map((f) => f.split('/')[1].split('_nohash_')[0]));
  for (const f of split.training) assert.ok(!valSpeakers.has(f.split('/')[1].split('_nohash_')[0]));
  assert.ok(split.validation.length > 40 && split.validation.length < 120, String(split.validation.length));
  const more = splitFiles([...files, 'yes/new1_nohash_0.wav', 'yes/new2_nohash_0.wav'], 'hash', 0.2);
  assert.deepEqual(
    more.validation.filter((f) => !f.includes('new')),
    split.validation,
  );
});

test('the index split takes the first int(split × n) files of the class for validation', () => {
  const files = Array.from({ length: 10 }, (_, i) => `c/${i}.wav`);
  const split = splitFiles(files, 'index', 0.25);
  assert.deepEqual(split.validation, ['c/0.wav', 'c/1.wav']);
  assert.equal(split.training.length, 8);
  assert.deepEqual(splitFiles(files, 'index', 0).validation, []);
});
