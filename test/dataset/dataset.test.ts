import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import { hashPercentage } from '../../src/dataset/split.js';
import { AudiogenError, ConfigError, InterruptedError } from '../../src/errors.js';
import { makeConfig, tempDir, writeDataset } from '../helpers.js';
import { dataset } from './support.js';
import { floatWav, plantEntries } from '../attacks/hostile-wavs.js';

test('samples come in class order with label = position in classes', async () => {
  const dir = dataset({ yes: 3, no: 2 });
  const l = await listDataset(makeConfig(dir, '/tmp/o', { dataset: { classes: ['no', 'yes'] } }), { write: false });
  assert.deepEqual(
    l.subsets.training!.samples.map((s) => [s.label, s.file]),
    [
      [0, 'no/spk0_nohash_0.wav'],
      [0, 'no/spk1_nohash_0.wav'],
      [1, 'yes/spk0_nohash_0.wav'],
      [1, 'yes/spk1_nohash_0.wav'],
      [1, 'yes/spk2_nohash_0.wav'],
    ],
  );
  assert.deepEqual(l.subsets.training!.classCounts, { no: 2, yes: 3 });
  assert.equal(l.subsets.validation, undefined);
});

test('_unknown_ and _silence_ counts are percentages of the smallest class, per subset', async () => {
  const dir = dataset({ yes: 10, no: 6, cat: 20, dog: 20, _background_noise_: 3 });
  const config = makeConfig(dir, '/tmp/o', {
    dataset: { classes: ['yes', 'no', '_unknown_', '_silence_'] },
    generator: { unknown_class_percentage: 1.5, silence_class_percentage: 0.5 },
  });
  const t = (await listDataset(config, { write: false })).subsets.training!;
  assert.deepEqual(t.classCounts, { yes: 10, no: 6, _unknown_: 9, _silence_: 3 });
  const unknown = t.samples.filter((s) => s.label === 2).map((s) => s.file!);
  assert.ok(
    unknown.every((f) => /^(cat|dog)\//.test(f)),
    unknown.join(),
  );
  assert.equal(new Set(unknown).size, 9);
  assert.ok(t.samples.filter((s) => s.label === 3).every((s) => s.file === null));
  // Deterministic from the seed, different for another seed.
  const again = (await listDataset(config, { write: false })).subsets.training!.samples.filter((s) => s.label === 2);
  assert.deepEqual(
    again.map((s) => s.file),
    unknown,
  );
  const other = makeConfig(dir, '/tmp/o', {
    dataset: { classes: ['yes', 'no', '_unknown_', '_silence_'], seed: 7 },
    generator: { unknown_class_percentage: 1.5, silence_class_percentage: 0.5 },
  });
  const otherUnknown = (await listDataset(other, { write: false })).subsets.training!.samples.filter(
    (s) => s.label === 2,
  );
  assert.notDeepEqual(
    otherUnknown.map((s) => s.file),
    unknown,
  );
});

test('unknown samples come from the same subset of their folders as the split says', async () => {
  const dir = dataset({ yes: 40, no: 40, cat: 200 });
  const config = makeConfig(dir, '/tmp/o', {
    dataset: { classes: ['yes', 'no', '_unknown_'] },
    generator: { validation_split: 0.3 },
  });
  const l = await listDataset(config, { write: false });
  const train = new Set(l.subsets.training!.samples.filter((s) => s.label === 2).map((s) => s.file));
  const val = l.subsets.validation!.samples.filter((s) => s.label === 2).map((s) => s.file);
  assert.ok(val.length > 0);
  for (const f of val) assert.ok(!train.has(f), `${f} in both subsets`);
});

test('a testing subset gets its own _unknown_ draw and _silence_ count, from the testing split of every folder', async () => {
  const dir = dataset({ yes: 60, no: 60, cat: 300, _background_noise_: 1 });
  const config = makeConfig(dir, '/tmp/o', {
    dataset: { classes: ['yes', 'no', '_unknown_', '_silence_'] },
    generator: { validation_split: 0.2, testing_split: 0.2, silence_class_percentage: 0.5 },
  });
  const l = await listDataset(config, { write: false });
  assert.deepEqual(Object.keys(l.subsets), ['training', 'validation', 'testing']);
  const files = (s: 'training' | 'validation' | 'testing', label: number) =>
    l.subsets[s]!.samples.filter((x) => x.label === label).map((x) => x.file!);
  const testing = l.subsets.testing!;
  const minKnown = Math.min(testing.classCounts.yes, testing.classCounts.no);
  assert.ok(minKnown > 0);
  assert.equal(testing.classCounts._unknown_, minKnown);
  assert.equal(testing.classCounts._silence_, Math.floor(0.5 * minKnown));
  // Every file in exactly one subset, unknown clips included; a speaker's clips stay together.
  for (const label of [0, 1, 2]) {
    const [t, v, e] = (['training', 'validation', 'testing'] as const).map((s) => new Set(files(s, label)));
    for (const f of e) assert.ok(!t.has(f) && !v.has(f), `${f} in two subsets`);
  }
  const speaker = (f: string) => f.split('/')[1];
  const testSpeakers = new Set(files('testing', 0).map(speaker));
  for (const f of files('training', 1)) assert.ok(!testSpeakers.has(speaker(f)), f);
});

test('without a testing split or list there is no testing subset: the listing is the one before testing existed', async () => {
  const dir = dataset({ yes: 40, no: 40, cat: 100 });
  const config = makeConfig(dir, '/tmp/o', {
    dataset: { classes: ['yes', 'no', '_unknown_'] },
    generator: { validation_split: 0.3 },
  });
  const l = await listDataset(config, { write: false });
  assert.deepEqual(Object.keys(l.subsets), ['training', 'validation']);
  // The same files as which_set with testing 0 puts in validation: the hash percentage below 30.
  for (const s of l.subsets.validation!.samples) assert.ok(hashPercentage(s.file!) < 30, s.file!);
  for (const s of l.subsets.training!.samples) assert.ok(hashPercentage(s.file!) >= 30, s.file!);
});

test('max_samples_per_class caps each class', async () => {
  const dir = dataset({ yes: 10, no: 4 });
  const l = await listDataset(makeConfig(dir, '/tmp/o', { dataset: { max_samples_per_class: 5 } }), { write: false });
  assert.deepEqual(l.subsets.training!.classCounts, { yes: 5, no: 4 });
});

test('a missing class folder is a config error (exit 2) naming the key; an empty class is an error naming it', async () => {
  const dir = dataset({ yes: 2 });
  await assert.rejects(
    () => listDataset(makeConfig(dir, '/tmp/o'), { write: false }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `dataset.classes[1]: no folder "no" in ${dir}`);
      return true;
    },
  );
  writeDataset(dir, { 'no/readme.txt': 'nothing here' });
  await assert.rejects(
    () => listDataset(makeConfig(dir, '/tmp/o'), { write: false }),
    /class "no": no audio files \(\.wav \.flac \.opus \.ogg \.mp3\)/,
  );
});

test('a class whose every file is unreadable says so, counting only its own files left out (on_error: skip)', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  for (const f of ['spk0_nohash_0.wav', 'spk1_nohash_0.wav']) writeFileSync(join(dir, 'yes', f), 'not audio');
  execFileSync('mkfifo', [join(dir, 'yes', 'pipe.wav')]);
  writeFileSync(join(dir, 'no', 'bad_nohash_0.wav'), 'not audio');
  const config = makeConfig(dir, '/tmp/o', { generator: { on_error: 'skip' } });
  await assert.rejects(listDataset(config, { write: false }), (err: unknown) => {
    assert.ok(err instanceof AudiogenError && !(err instanceof ConfigError), String(err));
    assert.equal(
      err.message,
      `class "yes": no usable audio files (.wav .flac .opus .ogg .mp3) in ${dir}/yes (3 left out as unreadable)`,
    );
    return true;
  });
});

test('_unknown_ without other folders is an error', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  await assert.rejects(
    () =>
      listDataset(makeConfig(dir, '/tmp/o', { dataset: { classes: ['yes', 'no', '_unknown_'] } }), { write: false }),
    /class "_unknown_": no other class folders/,
  );
});

test('validate-style listing writes nothing', async () => {
  const dir = dataset({ yes: 3, no: 3 });
  const idx = join(tempDir(), 'index');
  await listDataset(makeConfig(dir, '/tmp/o', { dataset: { shuffle_index_dir: idx } }), { write: false });
  assert.equal(existsSync(idx), false);
});

test('entries that cannot be clips are bad files per on_error: fail names the first, skip lists them all', async () => {
  const dir = dataset({ yes: 3, no: 3 });
  const planted = plantEntries(dir, 'no');
  await assert.rejects(listDataset(makeConfig(dir, '/tmp/o'), { write: false }), (err: unknown) => {
    assert.ok(err instanceof AudiogenError && !(err instanceof ConfigError));
    assert.match(err.message, /^no\/\S+: .* \(set generator\.on_error: skip to leave bad files out\)$/);
    return true;
  });
  const l = await listDataset(makeConfig(dir, '/tmp/o', { generator: { on_error: 'skip' } }), { write: false });
  assert.deepEqual(l.skipped.map((b) => b.file).sort(), [...planted.bad.keys()].sort());
  for (const b of l.skipped) assert.match(b.reason, planted.bad.get(b.file)!, b.file);
  assert.deepEqual(l.subsets.training!.classCounts, { yes: 3, no: 3 });
});

test('a float clip with a NaN is left out before planning (on_error: skip), named with its sample', async () => {
  const dir = dataset({ yes: 3, no: 3 });
  writeFileSync(join(dir, 'yes', 'nan_nohash_0.wav'), floatWav('float32', NaN));
  const l = await listDataset(makeConfig(dir, '/tmp/o', { generator: { on_error: 'skip' } }), { write: false });
  assert.deepEqual(l.skipped, [{ file: 'yes/nan_nohash_0.wav', reason: 'sample 5 of channel 0 is NaN' }]);
  assert.equal(l.subsets.training!.classCounts.yes, 3);
});

test('warnings: audio files whose extension is not in dataset.extensions, per class folder', async () => {
  const dir = dataset({ yes: 3, no: 3 });
  writeDataset(dir, { 'yes/a.flac': 'x', 'yes/b.FLAC': 'x', 'yes/c.m4a': 'x', 'no/d.ogg': 'x' });
  const l = await listDataset(makeConfig(dir, '/tmp/o', { dataset: { extensions: ['.wav'] } }), { write: false });
  assert.deepEqual(l.warnings, [
    'class "yes": 3 audio files whose extension is not in dataset.extensions were not read (.flac 2, .m4a 1)',
    'class "no": 1 audio file whose extension is not in dataset.extensions was not read (.ogg 1)',
  ]);
});

test('warnings: a validation fraction more than 0.05 from validation_split, overall or in a class, is one line saying asked and realised', async () => {
  const dir = dataset({ yes: 10, no: 40 });
  const l = await listDataset(
    makeConfig(dir, '/tmp/o', { generator: { validation_split: 0.2 }, dataset: { validation_split_method: 'index' } }),
    { write: false },
  );
  assert.deepEqual(l.warnings, []);
  const hashed = await listDataset(makeConfig(dir, '/tmp/o', { generator: { validation_split: 0.2 } }), {
    write: false,
  });
  const counts = ['yes', 'no'].map((c) => {
    const v = hashed.subsets.validation!.classCounts[c];
    return { c, v, n: v + hashed.subsets.training!.classCounts[c] };
  });
  const v = counts.reduce((a, x) => a + x.v, 0);
  const far = counts.filter((x) => Math.abs(x.v / x.n - 0.2) > 0.05);
  const off = far.length > 0 || Math.abs(v / 50 - 0.2) > 0.05;
  const lines = hashed.warnings.filter((w) => w.startsWith('generator.validation_split'));
  assert.equal(lines.length, off ? 1 : 0, hashed.warnings.join('\n'));
  if (off) {
    assert.ok(
      lines[0].startsWith(
        `generator.validation_split: 0.2 asked, ${(v / 50).toFixed(2)} realised (${v} of 50 files of the known classes)`,
      ),
      lines[0],
    );
    for (const x of far) assert.ok(lines[0].includes(`${x.c} ${(x.v / x.n).toFixed(2)}`), lines[0]);
    assert.match(lines[0], /the hash split keeps each speaker in one subset/);
  }
  const tiny = dataset({ yes: 3, no: 3 });
  const t = await listDataset(
    makeConfig(tiny, '/tmp/o', { generator: { validation_split: 0.2 }, dataset: { validation_split_method: 'index' } }),
    { write: false },
  );
  assert.deepEqual(
    t.warnings.filter((w) => w.startsWith('generator.')),
    [
      'generator.validation_split: 0.2 asked, 0.00 realised (0 of 6 files of the known classes); classes farthest from it: yes 0.00, no 0.00: the index split takes int(validation_split x n) files of each class',
    ],
  );
});

test('the listing yields to the event loop while it works, and an aborted signal stops it with InterruptedError', async () => {
  const dir = dataset({ yes: 1500, no: 3 });
  const config = makeConfig(dir, '/tmp/o');
  let turns = 0;
  let running = true;
  const spin = () => {
    turns++;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  const started = performance.now();
  await listDataset(config, { write: false });
  running = false;
  const ms = performance.now() - started;
  // About one turn per 10 ms of work; a synchronous listing would give none.
  assert.ok(turns >= Math.floor(ms / 40), `${turns} event-loop turns in ${ms.toFixed(0)} ms`);
  const controller = new AbortController();
  const listing = listDataset(config, { write: false, signal: controller.signal });
  setImmediate(() => controller.abort('SIGINT'));
  await assert.rejects(
    listing,
    (err: unknown) => err instanceof InterruptedError && /interrupted by SIGINT/.test(err.message),
  );
});
