// `audiogen render` through the shipped bin: a sample re-created byte for byte from a build, and refused when the
// dataset changed since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav } from '../../src/audio/wav.js';
import { parseCsv } from '../../src/io/csv.js';
import { DEMO_DATASET, FIXTURES, demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';
import { augmented, augmentedDataset } from './support.js';

/** `audiogen render` of one sample of the build in DIR/out into DIR/r (with --json when asked). */
function renderAt(dir: string, subset: string, epoch: number | string, position: number | string, json = false) {
  const args = [
    'render',
    join(dir, 'out'),
    '--subset',
    subset,
    '--epoch',
    String(epoch),
    '--position',
    String(position),
  ];
  return runCli([...args, '--to', join(dir, 'r'), ...(json ? ['--json'] : [])]);
}

const dataset = augmentedDataset();

/** The positions both render tests re-create, in either shard format. */
const POSITIONS = [
  ['training', 1, 0],
  ['training', 0, 7],
  ['validation', 1, 2],
] as const;

/** A 2-epoch build with every augmentation on, shards of 5, into DIR/out; returns DIR. */
function augmentedBuild(format: 'npy' | 'webdataset'): string {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no', '_unknown_', '_silence_'], batch_size: 4 },
    generator: { cores: 1, validation_split: 0.3, ...augmented },
    frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
    output: { directory: join(dir, 'out'), epochs: 2, samples_per_shard: 5, format },
  });
  const b = runCli(['build', '--config', config, '--quiet']);
  assert.equal(b.code, 0, b.stderr);
  return dir;
}

test('render re-creates samples of a built dataset byte for byte, with every augmentation on', () => {
  const dir = augmentedBuild('npy');
  for (const [subset, epoch, position] of POSITIONS) {
    const r = renderAt(dir, subset, epoch, position, true);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.matches_shard, true, JSON.stringify(report));
    const csv = readFileSync(
      join(dir, 'out', subset, `epoch-00${epoch}`, `index-00${Math.floor(position / 5)}.csv`),
      'utf8',
    )
      .trim()
      .split('\n');
    const row = csv.find((l) => l.startsWith(`${position},`))!;
    assert.ok(row.includes(String(report.params.offset)), `CSV row ${row} records offset ${report.params.offset}`);
    if (report.file !== null) {
      const wav = decodeWav(readFileSync(report.written[0]));
      assert.equal(wav.channels[0].length, 16000);
    }
  }
  const bad = renderAt(dir, 'training', 5, 0);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /epoch 5 does not exist: the build has epochs 0\.\.1/);
});

test('render re-creates samples of a webdataset build byte for byte, reading each row from its .npy member', () => {
  const dir = augmentedBuild('webdataset');
  for (const [subset, epoch, position] of POSITIONS) {
    const r = renderAt(dir, subset, epoch, position, true);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).matches_shard, true, r.stdout);
  }
  // A tar whose member was changed is caught.
  const tar = join(dir, 'out', 'training', 'epoch-000', 'shard-001.tar');
  const bytes = readFileSync(tar);
  const at = bytes.indexOf('training-e000-00000007.npy') + 512 + 128 + 10;
  bytes[at] ^= 0xff;
  writeFileSync(tar, bytes);
  const r = renderAt(dir, 'training', 0, 7);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /the re-created row differs from the one stored in the shard/);
});

test('render re-creates rows with reverb and SpecAugment masks byte for byte, and reports what was drawn', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no', '_unknown_', '_silence_'], batch_size: 4 },
    generator: {
      cores: 2,
      ...augmented,
      rir_dir: join(FIXTURES, 'rir'),
      rir_probability: 0.7,
      spec_augment: { time_masks: 2, time_mask_max_frames: 6, freq_masks: 1, freq_mask_max_channels: 5 },
      dtype: 'int8',
    },
    frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
    output: { directory: join(dir, 'out'), samples_per_shard: 8 },
  });
  const b = runCli(['build', '--config', config, '--quiet']);
  assert.equal(b.code, 0, b.stderr);
  const [header, ...rows] = parseCsv(readFileSync(join(dir, 'out/training/epoch-000/index-000.csv'), 'utf8'));
  assert.deepEqual(header.slice(-3), ['rir_file', 'time_masks', 'freq_masks']);
  const column = (name: string) => header.indexOf(name);
  let reverberated = 0;
  for (const row of rows) {
    const position = row[0];
    const r = renderAt(dir, 'training', 0, position, true);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.matches_shard, true, `position ${position}`);
    assert.equal(report.params.rir_file, row[column('rir_file')]);
    const masks = (m: [number, number][]) => m.map(([s, w]) => `${s}:${w}`).join(';');
    assert.equal(masks(report.params.time_masks), row[column('time_masks')]);
    assert.equal(masks(report.params.freq_masks), row[column('freq_masks')]);
    assert.equal(report.params.time_masks.length, 2);
    if (report.params.rir_file !== '') reverberated++;
  }
  assert.ok(reverberated > 0 && reverberated < rows.length, `${reverberated} of ${rows.length} reverberated`);
});

test('render refuses a build whose dataset changed since', () => {
  const dir = tempDir();
  const data = demoSubset(join(dir, 'data'), ['yes', 'no'], 2);
  const config = writeConfig(dir, {
    dataset: { directory: data, classes: ['yes', 'no'] },
    generator: { cores: 1, frontend_enabled: false },
    output: { directory: join(dir, 'out') },
  });
  assert.equal(runCli(['build', '--config', config, '-q']).code, 0);
  writeFileSync(
    join(data, 'yes', 'new_nohash_0.wav'),
    readFileSync(join(DEMO_DATASET, 'yes', readdirSync(join(DEMO_DATASET, 'yes'))[0])),
  );
  const r = renderAt(dir, 'training', 0, 0);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /dataset \(or hooks module\) changed since/);
});

test('render re-creates MFCC samples byte for byte from a build with every augmentation on', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no', '_unknown_', '_silence_'], batch_size: 4 },
    generator: { cores: 2, ...augmented, samplewise_std_normalization: true },
    frontend: { type: 'mfcc', window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40, n_mfcc: 13 },
    output: { directory: join(dir, 'out'), samples_per_shard: 6 },
  });
  const b = runCli(['build', '--config', config, '--quiet']);
  assert.equal(b.code, 0, b.stderr);
  const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.sample_shape, [51, 13, 1]);
  for (const position of [0, 9]) {
    const r = renderAt(dir, 'training', 0, position, true);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).matches_shard, true, r.stdout);
  }
});

test('render re-creates testing samples of a build from a manifest (MSWC look-alike), augmented or as recorded', () => {
  for (const augment of [false, true]) {
    const dir = tempDir();
    const config = writeConfig(dir, {
      dataset: {
        directory: join(FIXTURES, 'mswc', 'en', 'clips'),
        manifest: '../../en_splits.csv',
        columns: { path: 'LINK', label: 'WORD', subset: 'SET' },
        subset_names: { training: 'TRAIN', validation: 'DEV', testing: 'TEST' },
        where: { VALID: 'True' },
        classes: ['left', 'right', '_unknown_', '_silence_'],
        batch_size: 4,
      },
      generator: {
        cores: 1,
        testing_augmentation_enabled: augment,
        ...augmented,
        bg_noise_dir: join(DEMO_DATASET, '_background_noise_'),
      },
      frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
      output: { directory: join(dir, 'out'), samples_per_shard: 5 },
    });
    const b = runCli(['build', '--config', config, '--quiet']);
    assert.equal(b.code, 0, b.stderr);
    const offsets: number[] = [];
    for (const position of [0, 3, 6]) {
      const r = renderAt(dir, 'testing', 0, position, true);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.matches_shard, true, JSON.stringify(report));
      offsets.push(report.params.offset);
    }
    // testing_augmentation_enabled: false is the identity transform (offset 0); true draws like training.
    assert.equal(
      offsets.every((o) => o === 0),
      !augment,
      String(offsets),
    );
  }
});
