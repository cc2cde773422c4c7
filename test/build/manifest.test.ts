// The manifest a build writes: derived from the config and the listing alone (so merge writes the same one), and
// listing only whole epochs, in order, so a trainer following the build never sees a gap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildManifest } from '../../src/build/manifest.js';
import { outputLayout } from '../../src/sample/output-layout.js';
import { FORMAT_VERSION, outputConfig, type ListingSummary } from '../../src/io/manifest.js';
import type { NpyShardFiles } from '../../src/io/layout.js';
import type { NpyShardRecord } from '../../src/io/shard-writer.js';
import { plannedShards, type PlannedShard } from '../../src/plan/shards.js';
import { makeConfig } from '../helpers.js';

const summary: ListingSummary = {
  classes: ['yes', 'no'],
  subsets: {
    training: { samples: 5, class_counts: { yes: 3, no: 2 } },
    validation: { samples: 2, class_counts: { yes: 1, no: 1 } },
  },
  skipped: [{ file: 'yes/bad.wav', reason: 'truncated' }],
  warnings: ['a warning'],
};
const parts = {
  generator: { validation_split: 0.3 },
  output: { epochs: 3, samples_per_shard: 2 },
};
const config = makeConfig('/data', '/out', parts);

/** A finished shard's record as a build would log it (sizes and hashes made up). */
const recordOf = ({ spec, files: f }: PlannedShard): NpyShardRecord => {
  const files = f as NpyShardFiles;
  return {
    ...spec,
    x: { path: files.x, bytes: 1, sha256: 'x', shape: [spec.count, 16000], dtype: 'float32' },
    y: { path: files.y, bytes: 1, sha256: 'y', shape: [spec.count, 2], dtype: 'float32' },
    index: { path: files.index, bytes: 1, sha256: 'i' },
  };
};
const manifestOf = (shards: PlannedShard[], complete = false) =>
  buildManifest({
    config,
    hash: 'h',
    datasetHash: 'd',
    summary,
    complete,
    records: new Map(shards.map((s) => [recordOf(s).x.path, recordOf(s)])),
  });

test('only whole epochs are listed, in order: an epoch missing one shard hides every epoch after it', () => {
  const all = plannedShards(config, summary);
  assert.equal(all.length, 3 * (3 + 1));
  // Recorded in reverse order, training epoch 1 missing its last shard.
  const done = all.filter((s) => !(s.spec.subset === 'training' && s.spec.epoch === 1 && s.spec.shard === 2)).reverse();
  const m = manifestOf(done);
  assert.deepEqual(
    m.subsets.training!.epochs.map((e) => e.epoch),
    [0],
  );
  assert.deepEqual(
    m.subsets.validation!.epochs.map((e) => e.epoch),
    [0, 1, 2],
  );
  assert.deepEqual(
    m.subsets.training!.epochs[0].shards.map((s) => [s.shard, s.start, s.count, (s as NpyShardRecord).x.path]),
    [
      [0, 0, 2, 'training/epoch-000/x-000.npy'],
      [1, 2, 2, 'training/epoch-000/x-001.npy'],
      [2, 4, 1, 'training/epoch-000/x-002.npy'],
    ],
  );
  assert.deepEqual(manifestOf([]).subsets.training!.epochs, []);
  assert.deepEqual(
    manifestOf(all, true).subsets.training!.epochs.map((e) => e.epoch),
    [0, 1, 2],
  );
});

test('records of shards the plan does not have (epochs beyond the count) are not listed', () => {
  const more = plannedShards(
    makeConfig('/data', '/out', { generator: { validation_split: 0.3 }, output: { epochs: 5, samples_per_shard: 2 } }),
    summary,
  );
  const m = manifestOf(more, true);
  assert.equal(m.epochs, 3);
  assert.deepEqual(
    m.subsets.training!.epochs.map((e) => e.epoch),
    [0, 1, 2],
  );
});

test('the manifest describes the output from the config and the listing: format, counts, shapes, labels, columns', () => {
  const m = manifestOf([], true);
  assert.equal(m.format, 'audiogen');
  assert.equal(m.format_version, FORMAT_VERSION);
  // The same version for tar shards: readers tell them apart by the shard records.
  const wds = makeConfig('/data', '/out', { ...parts, output: { ...parts.output, format: 'webdataset' } });
  const w = buildManifest({ config: wds, hash: 'h', datasetHash: 'd', summary, complete: true, records: new Map() });
  assert.equal(w.format_version, 1);
  assert.deepEqual([m.complete, m.config_hash, m.dataset_hash, m.epochs], [true, 'h', 'd', 3]);
  assert.deepEqual(m.config, outputConfig(config));
  assert.deepEqual(m.classes, ['yes', 'no']);
  assert.deepEqual(
    [m.class_mode, m.sample_shape, m.dtype, m.label],
    ['categorical', [16000], 'float32', { dtype: 'float32', shape: [2] }],
  );
  assert.equal(m.frontend, null, 'raw audio has no frontend');
  assert.deepEqual(m.index_columns, [
    'position',
    'label',
    'class',
    'file',
    'offset',
    'speed',
    'pitch',
    'vtlp',
    'loudness',
    'noise',
    'noise_factor',
    'bg_file',
    'bg_offset',
  ]);
  assert.deepEqual(m.subsets.validation!.samples, 2);
  assert.deepEqual(m.subsets.training!.class_counts, { yes: 3, no: 2 });
  assert.deepEqual([m.skipped, m.warnings], [summary.skipped, summary.warnings]);
  assert.equal(JSON.stringify(manifestOf([], true)), JSON.stringify(m), 'the same inputs give the same manifest');
});

test("with the frontend on, the manifest records its settings and output dtype, and x has the spectrogram's shape", () => {
  const spectro = makeConfig('/data', '/out', {
    generator: { frontend_enabled: true, dtype: 'int8', add_channel_dimension: false },
    dataset: { class_mode: 'sparse' },
  });
  const m = buildManifest({
    config: spectro,
    hash: 'h',
    datasetHash: 'd',
    summary: { ...summary, subsets: { training: summary.subsets.training } },
    complete: false,
    records: new Map(),
  });
  assert.deepEqual(m.frontend, { ...spectro.frontend, enabled: true, output_dtype: 'int8' });
  assert.deepEqual([m.sample_shape, m.dtype, m.label], [[98, 32], 'int8', { dtype: 'int32', shape: [] }]);
  assert.deepEqual(Object.keys(m.subsets), ['training']);
});

test('outputLayout: x in the configured dtype and shape, y per class_mode, the index columns', () => {
  assert.deepEqual(outputLayout(config, 2).x, { dtype: 'float32', sampleShape: [16000] });
  assert.equal(outputLayout(makeConfig('/d', '/o', { dataset: { class_mode: 'input' } }), 2).y, null);
  assert.deepEqual(
    outputLayout(makeConfig('/d', '/o', { generator: { sample_shape: [100, 160] } }), 7).x.sampleShape,
    [100, 160],
  );
});
