// Which shards a build has and who makes each: canonical order (epoch, subset, shard), the shard at any
// (subset, epoch, shard), and partitions that share the shards out exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listDataset, summarize, type DatasetListing } from '../../src/dataset/dataset.js';
import { shardId, type NpyShardFiles } from '../../src/io/layout.js';
import type { ListingSummary } from '../../src/io/manifest.js';
import { makePlan, ownedShards, plannedShards, shardLookup } from '../../src/plan/shards.js';
import { demoSubset, makeConfig, tempDir } from '../helpers.js';

const summary: ListingSummary = {
  classes: ['yes', 'no'],
  subsets: {
    training: { samples: 5, class_counts: { yes: 3, no: 2 } },
    validation: { samples: 3, class_counts: { yes: 2, no: 1 } },
  },
  skipped: [],
  warnings: [],
};
const configOf = (epochs: number, dataset: Record<string, unknown> = {}) =>
  makeConfig('/data', '/out', {
    dataset,
    generator: { validation_split: 0.3 },
    output: { epochs, samples_per_shard: 2 },
  });

test('shards come in canonical order: epoch, then subset, then shard number, each with its file names', () => {
  const shards = plannedShards(configOf(2), summary);
  assert.deepEqual(
    shards.map((s) => [s.spec.epoch, s.spec.subset, s.spec.shard, s.spec.start, s.spec.count]),
    [
      [0, 'training', 0, 0, 2],
      [0, 'training', 1, 2, 2],
      [0, 'training', 2, 4, 1],
      [0, 'validation', 0, 0, 2],
      [0, 'validation', 1, 2, 1],
      [1, 'training', 0, 0, 2],
      [1, 'training', 1, 2, 2],
      [1, 'training', 2, 4, 1],
      [1, 'validation', 0, 0, 2],
      [1, 'validation', 1, 2, 1],
    ],
  );
  assert.deepEqual(shards[8].files, {
    x: 'validation/epoch-001/x-000.npy',
    y: 'validation/epoch-001/y-000.npy',
    index: 'validation/epoch-001/index-000.csv',
  });
});

test('shardLookup finds the planned shard of any epoch, also beyond the configured count, and nothing else', () => {
  const config = configOf(2);
  const at = shardLookup(config, summary);
  for (const s of plannedShards(config, summary))
    assert.deepEqual(at(s.spec.subset, s.spec.epoch, s.spec.shard), { ...s, hasY: true });
  const later = at('training', 500, 2)!;
  assert.deepEqual(later.spec, { subset: 'training', epoch: 500, shard: 2, start: 4, count: 1 });
  assert.equal((later.files as NpyShardFiles).index, 'training/epoch-500/index-002.csv');
  for (const [subset, epoch, shard] of [
    ['training', -1, 0],
    ['training', 0.5, 0],
    ['training', 0, 3],
    ['training', 0, -1],
    ['training', 0, 1.5],
    ['testing', 0, 0],
  ] as const) {
    assert.equal(at(subset as 'training', epoch, shard), null, `${subset} ${epoch} ${shard}`);
  }
  assert.equal(shardLookup(configOf(2, { class_mode: 'input' }), summary)('training', 0, 0)!.hasY, false);
});

test('the partitions of any count own every shard exactly once, each in canonical order', () => {
  const all = plannedShards(configOf(3), summary).map((s) => shardId(s.files));
  for (let count = 1; count <= 7; count++) {
    const owned = Array.from({ length: count }, (_, index) =>
      ownedShards(plannedShards(configOf(3), summary), { index, count }).map((s) => shardId(s.files)),
    );
    assert.deepEqual(owned.flat().sort(), [...all].sort(), `${count} partitions`);
    for (const mine of owned)
      assert.deepEqual(
        mine,
        all.filter((x) => mine.includes(x)),
        'canonical order',
      );
  }
  assert.deepEqual(
    ownedShards(plannedShards(configOf(3), summary), { index: 0, count: 1 }).map((s) => shardId(s.files)),
    all,
  );
});

test('adding epochs appends shards to the canonical order, so every finished shard keeps its partition', async () => {
  const dataset = demoSubset(tempDir(), ['yes', 'no', 'up'], 6);
  const config = (out: string, epochs: number) =>
    makeConfig(dataset, out, {
      dataset: { classes: ['yes', 'no', 'up', '_silence_'], batch_size: 4 },
      generator: { debug: true, validation_split: 0.3, offset_range: [0, 1] },
      output: { epochs, samples_per_shard: 5 },
    });
  const summary = summarize(await Promise.resolve(listDataset(config('/tmp/unused', 2), { write: false })));
  for (const count of [2, 3, 4]) {
    for (let index = 0; index < count; index++) {
      const before = ownedShards(plannedShards(config('/x', 2), summary), { index, count }).map((s) =>
        shardId(s.files),
      );
      const after = ownedShards(plannedShards(config('/x', 5), summary), { index, count }).map((s) => shardId(s.files));
      assert.deepEqual(after.slice(0, before.length), before, `partition ${index} of ${count}`);
    }
  }
});

test("makePlan: each subset's samples and shard ranges, the background names and the hooks fingerprint", () => {
  const listing = {
    classes: ['yes', 'no'],
    subsets: {
      training: {
        samples: [
          { label: 0, file: 'yes/a.wav' },
          { label: 1, file: 'no/b.wav' },
          { label: 0, file: null },
        ],
        classCounts: {},
      },
    },
    warnings: [],
    indexFiles: {},
    skipped: [],
    background: [{ name: 'hum.wav', path: '/bg/hum.wav' }],
    rirs: [{ name: 'hall.wav', path: '/rir/hall.wav' }],
  } as unknown as DatasetListing;
  const plan = makePlan(configOf(4), listing, 'abc');
  assert.deepEqual(plan, {
    epochs: 4,
    background: ['hum.wav'],
    rirs: ['hall.wav'],
    hooks: 'abc',
    subsets: [
      {
        subset: 'training',
        samples: listing.subsets.training!.samples,
        shards: [
          { start: 0, count: 2 },
          { start: 2, count: 1 },
        ],
      },
    ],
  });
});
