// Epochs are not part of a build's identity: raising output.epochs adds epochs, lowering it leaves the extra
// epochs on disk but out of the manifest, and partitioned builds keep their shards' owners (test/plan/shards.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../../src/build/build.js';
import { merge } from '../../src/build/merge.js';
import type { Manifest } from '../../src/io/manifest.js';
import { demoSubset, makeConfig, readTree, tempDir } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no', 'up'], 6);
const config = (out: string, epochs: number) =>
  makeConfig(dataset, out, {
    dataset: { classes: ['yes', 'no', 'up', '_silence_'], batch_size: 4 },
    generator: { debug: true, validation_split: 0.3, offset_range: [0, 1] },
    output: { epochs, samples_per_shard: 5 },
  });
const shards = (dir: string) =>
  Object.fromEntries(Object.entries(readTree(dir)).filter(([k]) => !k.startsWith('.audiogen')));
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

test('raising epochs builds only the new epochs, byte-identical to a build made with the higher count from the start', async () => {
  const root = tempDir();
  const first = await build(config(join(root, 'grown'), 2));
  const raised = await build(config(join(root, 'grown'), 3));
  assert.equal(raised.upToDate, false);
  assert.equal(raised.shardsKept, first.shardsBuilt, 'every finished shard is kept');
  assert.equal(raised.shardsBuilt, first.shardsBuilt / 2, 'only the third epoch is built');
  await build(config(join(root, 'direct'), 3));
  assert.deepEqual(shards(join(root, 'grown')), shards(join(root, 'direct')));
  assert.equal(manifestOf(join(root, 'grown')).subsets.training!.epochs.length, 3);
});

test('lowering epochs keeps the extra epochs on disk, out of the manifest, and says so; raising again rebuilds nothing', async () => {
  const out = join(tempDir(), 'out');
  await build(config(out, 3));
  const notes: string[] = [];
  const lowered = await build(config(out, 2), { events: { note: (m) => notes.push(m) } });
  assert.equal(lowered.shardsBuilt, 0);
  assert.ok(
    notes.some((n) => /output\.epochs is 2: 1 more finished epoch\(s\) stay on disk but out of the manifest/.test(n)),
    notes.join('\n'),
  );
  const m = manifestOf(out);
  assert.equal(m.epochs, 2);
  assert.equal(m.complete, true);
  assert.deepEqual(
    m.subsets.training!.epochs.map((e) => e.epoch),
    [0, 1],
  );
  assert.ok(existsSync(join(out, 'training', 'epoch-002', 'x-000.npy')));
  const again = await build(config(out, 3));
  assert.equal(again.shardsBuilt, 0, 'the epoch left on disk is listed again, not rebuilt');
  assert.equal(manifestOf(out).subsets.validation!.epochs.length, 3);
});

test('partitions raised to more epochs merge to the bytes of a one-machine build with that count', async () => {
  const root = tempDir();
  const parts = join(root, 'parts');
  for (const index of [0, 1, 2]) await build(config(parts, 2), { partition: { index, count: 3 } });
  await merge(parts);
  for (const index of [2, 0, 1]) await build(config(parts, 4), { partition: { index, count: 3 } });
  await merge(parts);
  await build(config(join(root, 'whole'), 4));
  assert.deepEqual(shards(parts), shards(join(root, 'whole')));
});
