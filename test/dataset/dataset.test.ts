import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import { makeConfig, tempDir, toneWav, writeDataset } from '../helpers.js';

const wav = toneWav(0.05);
function dataset(counts: Record<string, number>): string {
  const files: Record<string, Buffer> = {};
  for (const [c, n] of Object.entries(counts)) for (let i = 0; i < n; i++) files[`${c}/spk${i}_nohash_0.wav`] = wav;
  return writeDataset(tempDir(), files);
}

test('samples come in class order with label = position in classes', () => {
  const dir = dataset({ yes: 3, no: 2 });
  const l = listDataset(makeConfig(dir, '/tmp/o', { dataset: { classes: ['no', 'yes'] } }), { write: false });
  assert.deepEqual(
    l.subsets.training!.samples.map((s) => [s.label, s.file]),
    [[0, 'no/spk0_nohash_0.wav'], [0, 'no/spk1_nohash_0.wav'], [1, 'yes/spk0_nohash_0.wav'], [1, 'yes/spk1_nohash_0.wav'], [1, 'yes/spk2_nohash_0.wav']],
  );
  assert.deepEqual(l.subsets.training!.classCounts, { no: 2, yes: 3 });
  assert.equal(l.subsets.validation, undefined);
});

test('_unknown_ and _silence_ counts are percentages of the smallest class, per subset', () => {
  const dir = dataset({ yes: 10, no: 6, cat: 20, dog: 20, _background_noise_: 3 });
  const config = makeConfig(dir, '/tmp/o', {
    dataset: { classes: ['yes', 'no', '_unknown_', '_silence_'] },
    generator: { unknown_class_percentage: 1.5, silence_class_percentage: 0.5 },
  });
  const t = listDataset(config, { write: false }).subsets.training!;
  assert.deepEqual(t.classCounts, { yes: 10, no: 6, _unknown_: 9, _silence_: 3 });
  const unknown = t.samples.filter((s) => s.label === 2).map((s) => s.file!);
  assert.ok(unknown.every((f) => /^(cat|dog)\//.test(f)), unknown.join());
  assert.equal(new Set(unknown).size, 9);
  assert.ok(t.samples.filter((s) => s.label === 3).every((s) => s.file === null));
  // Deterministic from the seed, different for another seed.
  const again = listDataset(config, { write: false }).subsets.training!.samples.filter((s) => s.label === 2);
  assert.deepEqual(again.map((s) => s.file), unknown);
  const other = makeConfig(dir, '/tmp/o', {
    dataset: { classes: ['yes', 'no', '_unknown_', '_silence_'], seed: 7 },
    generator: { unknown_class_percentage: 1.5, silence_class_percentage: 0.5 },
  });
  const otherUnknown = listDataset(other, { write: false }).subsets.training!.samples.filter((s) => s.label === 2);
  assert.notDeepEqual(otherUnknown.map((s) => s.file), unknown);
});

test('unknown samples come from the same subset of their folders as the split says', () => {
  const dir = dataset({ yes: 40, no: 40, cat: 200 });
  const config = makeConfig(dir, '/tmp/o', {
    dataset: { classes: ['yes', 'no', '_unknown_'] },
    generator: { validation_split: 0.3 },
  });
  const l = listDataset(config, { write: false });
  const train = new Set(l.subsets.training!.samples.filter((s) => s.label === 2).map((s) => s.file));
  const val = l.subsets.validation!.samples.filter((s) => s.label === 2).map((s) => s.file);
  assert.ok(val.length > 0);
  for (const f of val) assert.ok(!train.has(f), `${f} in both subsets`);
});

test('max_samples_per_class caps each class', () => {
  const dir = dataset({ yes: 10, no: 4 });
  const l = listDataset(makeConfig(dir, '/tmp/o', { dataset: { max_samples_per_class: 5 } }), { write: false });
  assert.deepEqual(l.subsets.training!.classCounts, { yes: 5, no: 4 });
});

test('a missing or empty class is an error naming it', () => {
  const dir = dataset({ yes: 2 });
  assert.throws(() => listDataset(makeConfig(dir, '/tmp/o'), { write: false }), /class "no": folder .* does not exist/);
  writeDataset(dir, { 'no/readme.txt': 'nothing here' });
  assert.throws(() => listDataset(makeConfig(dir, '/tmp/o'), { write: false }), /class "no": no \.wav files/);
});

test('_unknown_ without other folders is an error', () => {
  const dir = dataset({ yes: 2, no: 2 });
  assert.throws(
    () => listDataset(makeConfig(dir, '/tmp/o', { dataset: { classes: ['yes', 'no', '_unknown_'] } }), { write: false }),
    /class "_unknown_": no other class folders/,
  );
});

test('shuffle_index_dir: the class order is shuffled once, kept, extended with new files, redone when a file goes', () => {
  const dir = dataset({ yes: 12, no: 12 });
  const idx = join(tempDir(), 'index');
  const config = makeConfig(dir, '/tmp/o', {
    dataset: { shuffle_index_dir: idx, validation_split_method: 'index' },
    generator: { validation_split: 0.25 },
  });
  const first = listDataset(config, { write: true });
  const order = readFileSync(join(idx, 'yes.txt'), 'utf8').trim().split('\n');
  assert.equal(order.length, 12);
  assert.notDeepEqual(order, [...order].sort(), 'shuffled');
  assert.deepEqual(first.subsets.validation!.samples.filter((s) => s.label === 0).map((s) => s.file), order.slice(0, 3).map((f) => `yes/${f}`));

  writeFileSync(join(dir, 'yes', 'zz_nohash_0.wav'), wav);
  listDataset(config, { write: true });
  const extended = readFileSync(join(idx, 'yes.txt'), 'utf8').trim().split('\n');
  assert.deepEqual(extended, [...order, 'zz_nohash_0.wav']);

  unlinkSync(join(dir, 'yes', order[0]));
  listDataset(config, { write: true });
  const redone = readFileSync(join(idx, 'yes.txt'), 'utf8').trim().split('\n');
  assert.equal(redone.length, 12);
  assert.ok(!redone.includes(order[0]));
});

test('an index file line pointing outside the class folder is rejected', () => {
  const dir = dataset({ yes: 2, no: 2 });
  const idx = tempDir();
  writeFileSync(join(idx, 'yes.txt'), 'spk0_nohash_0.wav\n../../etc/passwd.wav\n');
  const config = makeConfig(dir, '/tmp/o', { dataset: { shuffle_index_dir: idx } });
  assert.throws(() => listDataset(config, { write: false }), /yes\.txt:2: "\.\.\/\.\.\/etc\/passwd\.wav" points outside its class folder/);
});

test('validate-style listing writes nothing', () => {
  const dir = dataset({ yes: 3, no: 3 });
  const idx = join(tempDir(), 'index');
  listDataset(makeConfig(dir, '/tmp/o', { dataset: { shuffle_index_dir: idx } }), { write: false });
  assert.equal(existsSync(idx), false);
});
