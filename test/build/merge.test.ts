// Merging partitions: every planned shard checked against its record; mismatches refused, naming who.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../../src/build/build.js';
import { merge } from '../../src/build/merge.js';
import { demoSubset, makeConfig, readTree, tempDir } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 6);
const config = (out: string, seed = 0) =>
  makeConfig(dataset, out, {
    dataset: { classes: ['yes', 'no'], seed },
    generator: { debug: true },
    output: { epochs: 3, samples_per_shard: 4 },
  });

test('partitions built apart merge into the bytes of a one-machine build', async () => {
  const root = tempDir();
  await build(config(join(root, 'whole')));
  for (const index of [2, 0, 1]) await build(config(join(root, 'parts')), { partition: { index, count: 3 } });
  assert.equal(existsSync(join(root, 'parts', 'manifest.json')), false, 'partitions write no shared file');
  const r = await merge(join(root, 'parts'));
  assert.equal(r.partitions, 3);
  const shards = (d: string) =>
    Object.fromEntries(Object.entries(readTree(d)).filter(([k]) => !k.startsWith('.audiogen')));
  assert.deepEqual(shards(join(root, 'parts')), shards(join(root, 'whole')));
});

test('merge lists missing and corrupt shards with the partition that owns each, and writes nothing', async () => {
  const out = join(tempDir(), 'out');
  await build(config(out), { partition: { index: 0, count: 3 } });
  await build(config(out), { partition: { index: 2, count: 3 } });
  const log = readFileSync(join(out, '.audiogen', 'shards-0-of-3.jsonl'), 'utf8')
    .trim()
    .split('\n');
  const first = JSON.parse(log[1]);
  const x = join(out, first.x.path);
  const bytes = readFileSync(x);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(x, bytes);
  await assert.rejects(merge(out), (err: Error) => {
    assert.match(err.message, /cannot merge/);
    assert.match(err.message, /partition 1 of 3: no record/);
    assert.match(err.message, /training\/epoch-\d+\/x-\d+\.npy: missing \(partition 1 of 3\)/);
    assert.ok(err.message.includes(`${first.x.path}: sha256 differs from its record (partition 0 of 3)`), err.message);
    return true;
  });
  assert.equal(existsSync(join(out, 'manifest.json')), false);
});

test('merge refuses partitions of different configs or partition counts, naming them', async () => {
  const a = join(tempDir(), 'out');
  await build(config(a), { partition: { index: 0, count: 2 } });
  await build(config(a, 9), { partition: { index: 1, count: 2 } });
  await assert.rejects(
    merge(a),
    /partitions disagree on the config hash[\s\S]*partition 0 of 2[\s\S]*partition 1 of 2/,
  );
  const b = join(tempDir(), 'out');
  await build(config(b), { partition: { index: 0, count: 2 } });
  await build(config(b), { partition: { index: 1, count: 3 } });
  await assert.rejects(
    merge(b),
    /partitions disagree on the partition count[\s\S]*2: partition 0 of 2[\s\S]*3: partition 1 of 3/,
  );
});

/** Partitions 0 and 1 of 2 built into a fresh folder; returns it and partition 0's log lines. */
async function twoPartitions(): Promise<{ out: string; logPath: string; lines: string[] }> {
  const out = join(tempDir(), 'out');
  for (const index of [0, 1]) await build(config(out), { partition: { index, count: 2 } });
  const logPath = join(out, '.audiogen', 'shards-0-of-2.jsonl');
  return { out, logPath, lines: readFileSync(logPath, 'utf8').trim().split('\n') };
}

test("merge names the y or index file that differs from its record, not the shard's x", async () => {
  for (const key of ['y', 'index'] as const) {
    const { out, lines } = await twoPartitions();
    const record = JSON.parse(lines[1]);
    writeFileSync(join(out, record[key].path), 'changed');
    await assert.rejects(merge(out), (err: Error) => {
      assert.ok(
        err.message.includes(`${record[key].path}: size differs from its record (partition 0 of 2)`),
        err.message,
      );
      assert.ok(!err.message.includes(record.x.path), err.message);
      return true;
    });
    assert.equal(existsSync(join(out, 'manifest.json')), false);
  }
});

test('a state record naming a path the layout does not give is corruption: named, never hashed, nothing written', async () => {
  const { out, logPath, lines } = await twoPartitions();
  const record = JSON.parse(lines[1]);
  record.y.path = '../../../../etc/passwd';
  lines[1] = JSON.stringify(record);
  writeFileSync(logPath, lines.join('\n') + '\n');
  await assert.rejects(merge(out), (err: Error) => {
    assert.match(
      err.message,
      /shards-0-of-2\.jsonl: line 2 is corrupt: its y file is "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" where the layout has "training\/epoch-000\/y-000\.npy"/,
    );
    return true;
  });
  assert.equal(existsSync(join(out, 'manifest.json')), false);
});
