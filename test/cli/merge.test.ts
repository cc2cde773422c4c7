// `audiogen merge` through the shipped bin: the partitions of a build merged into its manifest; a partition that never
// ran is named (exit 1, nothing written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 3);
const opts = { timeoutMs: 60_000 };

function partitioned(dir: string): string {
  return writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: join(dir, 'out'), epochs: 2, samples_per_shard: 3 },
  });
}

test('merge writes the manifest of a build whose partitions all ran, and says so (or prints --json)', () => {
  const dir = tempDir();
  const file = partitioned(dir);
  for (const p of ['0/2', '1/2'])
    assert.equal(runCli(['build', '--config', file, '--partition', p, '--quiet'], opts).code, 0);
  assert.equal(existsSync(join(dir, 'out', 'manifest.json')), false);
  const r = runCli(['merge', join(dir, 'out')], opts);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `merged 4 shards from 2 partition(s) -> ${join(dir, 'out')}/manifest.json\n`);
  const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
  assert.equal(manifest.complete, true);
  assert.deepEqual(
    manifest.subsets.training.epochs.map((e: { epoch: number; shards: unknown[] }) => [e.epoch, e.shards.length]),
    [
      [0, 2],
      [1, 2],
    ],
  );
  assert.equal(readFileSync(join(dir, 'out', 'classes.txt'), 'utf8'), 'yes\nno\n');
  // Relative to the current folder, as users type it.
  const json = runCli(['merge', 'out', '--json'], { ...opts, cwd: dir });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), { output: join(dir, 'out'), partitions: 2, shards: 4, complete: true });
});

test('merge with a partition missing exits 1 naming it and its shards, and writes nothing', () => {
  const dir = tempDir();
  assert.equal(runCli(['build', '--config', partitioned(dir), '--partition', '1/2', '--quiet'], opts).code, 0);
  const r = runCli(['merge', join(dir, 'out')], opts);
  assertFails(r, 1, /cannot merge, 3 problem\(s\); rerun the partitions named \(they resume\) and merge again:$/m);
  assert.match(r.stderr, /^audiogen: {3}partition 0 of 2: no record \(it never ran here\)$/m);
  assert.match(r.stderr, /^audiogen: {3}training\/epoch-000\/x-000\.npy: missing \(partition 0 of 2\)$/m);
  assert.match(r.stderr, /^audiogen: {3}training\/epoch-001\/x-000\.npy: missing \(partition 0 of 2\)$/m);
  assert.equal(existsSync(join(dir, 'out', 'manifest.json')), false);
  assert.equal(existsSync(join(dir, 'out', 'classes.txt')), false);
});

test('merge of a folder no build wrote exits 1 saying there is nothing to merge', () => {
  const dir = tempDir();
  assertFails(runCli(['merge', dir], opts), 1, /no build records \(\.audiogen\/ is missing\): nothing to merge/);
});
