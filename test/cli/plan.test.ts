// `audiogen plan` through the shipped bin: the assignment of shards to partitions, as text and --json, the one a
// partitioned build then follows; a partition count that is not a positive integer is a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 3);
const opts = { timeoutMs: 60_000 };

/** 2 epochs of 6 raw-audio samples in shards of 2: 6 equal shards. */
function planConfig(dir: string, dataExtra: object = {}): string {
  return writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'], ...dataExtra },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: join(dir, 'out'), epochs: 2, samples_per_shard: 2 },
  });
}

// Equal shards in canonical order (epoch, subset, shard) are dealt round-robin.
const PARTITION_0 = ['training/epoch-000/x-000.npy', 'training/epoch-000/x-002.npy', 'training/epoch-001/x-001.npy'];
const PARTITION_1 = ['training/epoch-000/x-001.npy', 'training/epoch-001/x-000.npy', 'training/epoch-001/x-002.npy'];

test('plan prints each partition\u2019s shards and samples, writes nothing, and prints config warnings', () => {
  const dir = tempDir();
  const r = runCli(['plan', '--config', planConfig(dir, { subset: 'training' }), '--partitions', '2'], opts);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      '6 shards, 12 samples over 2 partition(s):',
      'partition 0: 3 shards, 6 samples',
      ...PARTITION_0.map((f) => `  ${f} (2)`),
      'partition 1: 3 shards, 6 samples',
      ...PARTITION_1.map((f) => `  ${f} (2)`),
      '',
    ].join('\n'),
  );
  assert.match(r.stderr, /^warning: dataset\.subset: ignored/m);
  assert.deepEqual(readdirSync(dir), ['config.yaml']);
});

test('plan --json gives the same assignment, and a partitioned build makes exactly the shards it names', () => {
  const dir = tempDir();
  const file = planConfig(dir);
  const r = runCli(['plan', '--config', file, '--partitions', '2', '--json'], opts);
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout);
  assert.deepEqual([plan.partitions, plan.shards, plan.assignment.length], [2, 6, 2]);
  assert.deepEqual(plan.assignment[0].files[0], {
    x: PARTITION_0[0],
    subset: 'training',
    epoch: 0,
    shard: 0,
    samples: 2,
  });
  assert.deepEqual(
    plan.assignment.map((p: { partition: number; shards: number; samples: number; files: { x: string }[] }) => [
      p.partition,
      p.shards,
      p.samples,
      p.files.map((f) => f.x),
    ]),
    [
      [0, 3, 6, PARTITION_0],
      [1, 3, 6, PARTITION_1],
    ],
  );
  const b = runCli(['build', '--config', file, '--partition', '1/2', '--quiet'], opts);
  assert.equal(b.code, 0, b.stderr);
  const built = ['epoch-000', 'epoch-001'].flatMap((e) =>
    readdirSync(join(dir, 'out', 'training', e))
      .filter((f) => f.startsWith('x-'))
      .map((f) => `training/${e}/${f}`),
  );
  assert.deepEqual(built, PARTITION_1);
});

test('plan names tar shards for a webdataset build, as text and --json', () => {
  const dir = tempDir();
  const file = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: join(dir, 'out'), epochs: 2, samples_per_shard: 2, format: 'webdataset' },
  });
  const tars = (files: string[]) => files.map((f) => f.replace(/x-(\d+)\.npy$/, 'shard-$1.tar'));
  const r = runCli(['plan', '--config', file, '--partitions', '2'], opts);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(
    r.stdout.includes(
      tars(PARTITION_0)
        .map((f) => `  ${f} (2)`)
        .join('\n'),
    ),
    r.stdout,
  );
  const json = JSON.parse(runCli(['plan', '--config', file, '--partitions', '2', '--json'], opts).stdout);
  assert.deepEqual(
    json.assignment[1].files.map((f: { tar: string }) => f.tar),
    tars(PARTITION_1),
  );
});

test('--partitions must be a positive integer (exit 2, nothing listed)', () => {
  const dir = tempDir();
  const file = planConfig(dir);
  for (const n of ['0', '-1', '1.5']) {
    assertFails(
      runCli(['plan', '--config', file, '--partitions', n], opts),
      2,
      new RegExp(`^audiogen: --partitions: expected a positive integer, got ${n}$`, 'm'),
    );
  }
  assertFails(
    runCli(['plan', '--config', file, '--partitions', 'two'], opts),
    2,
    /--partitions expects a number, got "two"/,
  );
  assertFails(runCli(['plan', '--config', file], opts), 2, /required option '--partitions <n>' not specified/);
});
