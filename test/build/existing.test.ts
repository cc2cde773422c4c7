// What an output directory holds, as a build sees it before writing anything, and the only deletions a build makes:
// files its own logs name (layout paths only), its own temporary names, and its top-level files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../../src/build/build.js';
import {
  checkRecord,
  inspectOutput,
  readOwnManifest,
  refuseForeignOutput,
  removePartials,
  removePreviousBuild,
  shardDefect,
} from '../../src/build/existing.js';
import type { Config } from '../../src/config/schema.js';
import { AudiogenError, EXIT } from '../../src/errors.js';
import { configHash } from '../../src/io/manifest.js';
import type { NpyShardFiles } from '../../src/io/layout.js';
import type { NpyShardRecord, ShardRecord } from '../../src/io/shard-writer.js';
import { readState, StateWriter, stateFile } from '../../src/io/state.js';
import { ownedShards, plannedShards, shardLookup } from '../../src/plan/shards.js';
import { demoSubset, makeConfig, readTree, tempDir } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 3);
const configFor = (out: string, parts: { generator?: object; dataset?: object; output?: object } = {}): Config =>
  makeConfig(dataset, out, {
    dataset: { classes: ['yes', 'no'], ...parts.dataset },
    generator: { debug: true, validation_split: 0.3, ...parts.generator },
    output: { epochs: 2, samples_per_shard: 2, ...parts.output },
  });
const WHOLE = { index: 0, count: 1 };

/** A finished one-machine build and what inspectOutput needs to look at it as a rerun of the same config would. */
async function built(parts: Parameters<typeof configFor>[1] = {}) {
  const out = join(tempDir(), 'out');
  const config = configFor(out, parts);
  await build(config);
  const log = stateFile(out, WHOLE);
  const header = readState(log).header!;
  const inspect = (over: Partial<Parameters<typeof inspectOutput>[0]> = {}) =>
    inspectOutput({
      outDir: out,
      stateFile: log,
      hash: configHash(config),
      datasetHash: header.dataset_hash,
      config,
      force: false,
      shardAt: shardLookup(config, header.listing),
      inputs: header.inputs!,
      ...over,
    });
  // These builds are npy builds: their records have x, y and index.
  const records = readState(log).shards as { record: NpyShardRecord; line: number }[];
  return { out, config, log, header, inspect, records };
}

const failsWith = (pattern: RegExp) => (e: unknown) => e instanceof AudiogenError && pattern.test(e.message);

test('inspectOutput: a folder that does not exist, or holds no build, is fresh', async () => {
  const { inspect, out, log } = await built();
  rmSync(out, { recursive: true });
  assert.deepEqual(await inspect(), { kind: 'fresh' });
  mkdirSync(out);
  assert.deepEqual(await inspect({ stateFile: log }), { kind: 'fresh' });
});

test('inspectOutput: a finished build of the same config is finished, with its manifest and log header', async () => {
  const { inspect, header, out } = await built();
  const state = await inspect();
  assert.equal(state.kind, 'finished');
  assert.deepEqual(state.kind === 'finished' && state.header, header);
  assert.deepEqual(
    state.kind === 'finished' && state.manifest,
    JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')),
  );
});

test('inspectOutput: an unfinished build resumes, keeping intact shards and dropping a damaged or missing one', async () => {
  const { inspect, out, records, config } = await built();
  // More epochs than were built: not finished, every logged shard is kept.
  const more = configFor(out, { output: { epochs: 3 } });
  const grown = await inspect({ config: more, hash: configHash(more) });
  assert.equal(configHash(more), configHash(config));
  assert.deepEqual(grown.kind === 'resume' && [grown.kept.length, grown.dropped], [records.length, 0]);
  const [damaged, missing] = [records[0].record, records[1].record];
  const x = readFileSync(join(out, damaged.x.path));
  x[x.length - 1] ^= 1;
  writeFileSync(join(out, damaged.x.path), x);
  rmSync(join(out, missing.index.path));
  rmSync(join(out, 'manifest.json'));
  const state = await inspect();
  assert.equal(state.kind, 'resume');
  if (state.kind !== 'resume') return;
  assert.equal(state.dropped, 2);
  assert.deepEqual(
    state.kept,
    records.slice(2).map((r) => r.record),
  );
  assert.ok(state.inputs?.stat);
});

test('inspectOutput: another config is refused naming what changed (or the version); --force makes it fresh', async () => {
  const { inspect, out } = await built();
  const other = configFor(out, { generator: { offset_range: [0, 0.5] }, dataset: { seed: 3 } });
  await assert.rejects(
    inspect({ config: other, hash: configHash(other) }),
    failsWith(
      /holds a build of a different config; rerun with --force to rebuild it, or choose another output directory\. Changed:\n {2}dataset\.seed: 0 -> 3\n {2}generator\.offset_range: \[0,1\] -> \[0,0\.5\]$/,
    ),
  );
  assert.deepEqual(await inspect({ config: other, hash: configHash(other), force: true }), { kind: 'fresh' });
  // The same config under another hash: what an older audiogen hashed differently.
  await assert.rejects(
    inspect({ hash: 'f'.repeat(64) }),
    failsWith(/different config.*It was made by another audiogen version\.$/),
  );
  // With the log gone, the manifest alone tells.
  rmSync(join(out, '.audiogen'), { recursive: true });
  await assert.rejects(
    inspect({ config: other, hash: configHash(other) }),
    failsWith(/holds a build of a different config/),
  );
});

test('inspectOutput: the same config over a changed dataset is refused; --force makes it fresh', async () => {
  const { inspect } = await built();
  await assert.rejects(
    inspect({ datasetHash: 'e'.repeat(64) }),
    failsWith(
      /was built from the same config but the dataset has changed since \(files added, removed or now unreadable\); rerun with --force/,
    ),
  );
  assert.deepEqual(await inspect({ datasetHash: 'e'.repeat(64), force: true }), { kind: 'fresh' });
});

test('inspectOutput: changed inputs are refused, by times or by contents as fingerprinted; --force makes it fresh', async () => {
  const { inspect, header, log } = await built();
  await assert.rejects(
    inspect({ inputs: { stat: '0'.repeat(64) } }),
    failsWith(
      /some have changed since \(sizes or modification times differ\): rerun with --force to rebuild it, or with --verify-inputs/,
    ),
  );
  assert.deepEqual(await inspect({ inputs: { stat: '0'.repeat(64) }, force: true }), { kind: 'fresh' });
  new StateWriter(log).updateHeader({ ...header, inputs: { ...header.inputs!, content: 'c'.repeat(64) } });
  await assert.rejects(
    inspect({ inputs: { stat: header.inputs!.stat, content: '0'.repeat(64) } }),
    failsWith(/\(contents differ\): rerun with --force to rebuild it$/),
  );
  // Same contents, other times (a copy): not a change.
  const state = await inspect({ inputs: { stat: '0'.repeat(64), content: 'c'.repeat(64) } });
  assert.equal(state.kind, 'finished');
});

test('inspectOutput: a corrupt record stops the inspection, naming the log and its line', async () => {
  const { inspect, log, records, out } = await built();
  rmSync(join(out, 'manifest.json'));
  appendFileSync(
    log,
    JSON.stringify({ ...records[0].record, x: { ...records[0].record.x, path: '../../../etc/passwd' } }) + '\n',
  );
  await assert.rejects(
    inspect(),
    failsWith(
      new RegExp(`^${log}: line ${records.length + 2} is corrupt: its x file is "\\.\\./\\.\\./\\.\\./etc/passwd"`),
    ),
  );
});

test('checkRecord names each kind of corruption: a shard the build lacks, other positions, other file names', async () => {
  const { config, header, records } = await built();
  const shardAt = shardLookup(config, header.listing);
  const r = records[0].record;
  const check = (record: ShardRecord) => () =>
    checkRecord('/o/.audiogen/shards-0-of-1.jsonl', { record, line: 7 }, shardAt);
  const corrupt = (what: string) =>
    failsWith(
      new RegExp(
        `^/o/\\.audiogen/shards-0-of-1\\.jsonl: line 7 is corrupt: ${what}\\. audiogen will not use or delete what it names: remove that line \\(or the log\\) and rerun, or rebuild with --force$`,
      ),
    );
  check(r)();
  assert.throws(
    check({ ...r, shard: 99 }),
    corrupt('it names "training" epoch 0 shard 99, which this build does not have'),
  );
  assert.throws(
    check({ ...r, epoch: -1 }),
    corrupt('it names "training" epoch -1 shard 0, which this build does not have'),
  );
  assert.throws(
    check({ ...r, subset: 'testing' as 'training' }),
    corrupt('it names "testing" epoch 0 shard 0, which this build does not have'),
  );
  assert.throws(check({ ...r, count: r.count + 1 }), corrupt(`its positions differ from the plan's for ${r.x.path}`));
  assert.throws(
    check({ ...r, index: { ...r.index, path: 'training/epoch-000/index-001.csv' } }),
    corrupt(`its index file is "training/epoch-000/index-001.csv" where the layout has "${r.index.path}"`),
  );
  assert.throws(check({ ...r, y: null }), corrupt(`its y file is null where the layout has "${r.y!.path}"`));
  assert.throws(
    check({ ...r, x: { ...r.x, path: 42 as unknown as string } }),
    corrupt(`its x file is null where the layout has "${r.x.path}"`),
  );
  // Without labels (class_mode: input) a y file is itself corruption.
  const noY = shardLookup(configFor('/o', { dataset: { class_mode: 'input' } }), header.listing);
  assert.throws(
    () => checkRecord('/o/l', { record: r, line: 2 }, noY),
    failsWith(new RegExp(`its y file is "${r.y!.path}" where the layout has null`)),
  );
  // Epochs beyond the configured count are still the build's (a later run may list them again).
  checkRecord(
    '/o/l',
    {
      record: {
        ...r,
        epoch: 7,
        x: { ...r.x, path: r.x.path.replace('epoch-000', 'epoch-007') },
        y: { ...r.y!, path: r.y!.path.replace('epoch-000', 'epoch-007') },
        index: { ...r.index, path: r.index.path.replace('epoch-000', 'epoch-007') },
      },
      line: 2,
    },
    shardAt,
  );
});

test('shardDefect names the first file that is missing or differs from its record, or nothing', async () => {
  const { out, records } = await built();
  const [a, b, c] = records.map((r) => r.record);
  assert.equal(await shardDefect(out, a), null);
  rmSync(join(out, a.y!.path));
  assert.equal(await shardDefect(out, a), `${a.y!.path}: missing`);
  writeFileSync(join(out, b.index.path), 'other');
  assert.equal(await shardDefect(out, b), `${b.index.path}: size differs from its record`);
  const x = readFileSync(join(out, c.x.path));
  x[x.length - 1] ^= 1;
  writeFileSync(join(out, c.x.path), x);
  assert.equal(await shardDefect(out, c), `${c.x.path}: sha256 differs from its record`);
  assert.equal(await shardDefect(out, c, false), null, 'sizes only');
});

test("readOwnManifest: only an audiogen manifest; another tool's, a broken one or a folder is none", () => {
  const out = tempDir();
  const path = join(out, 'manifest.json');
  assert.equal(readOwnManifest(out), null);
  for (const text of [
    '{"format": "other", "config_hash": "x"}',
    '{"format": "audiogen"}',
    '{"format": "audiogen", "config_hash": "a',
    'null',
  ]) {
    writeFileSync(path, text);
    assert.equal(readOwnManifest(out), null, text);
  }
  writeFileSync(path, '{"format": "audiogen", "config_hash": "abc"}');
  assert.equal(readOwnManifest(out)?.config_hash, 'abc');
  rmSync(path);
  mkdirSync(path);
  assert.equal(readOwnManifest(out), null);
});

test('refuseForeignOutput: a missing, empty or audiogen folder is fine; a folder of other files only with --force', () => {
  const root = tempDir();
  refuseForeignOutput(join(root, 'missing'), false);
  const out = join(root, 'out');
  mkdirSync(out);
  refuseForeignOutput(out, false);
  writeFileSync(join(out, 'notes.txt'), 'mine');
  writeFileSync(join(out, 'a.txt'), 'mine');
  const foreign = (e: unknown) =>
    e instanceof AudiogenError &&
    e.exitCode === EXIT.config &&
    e.message ===
      `${out} is not empty and is not an audiogen output (no .audiogen/): it holds "a.txt" and 1 more. Choose a new or empty folder, or pass --force to build here anyway (audiogen then writes and deletes only its own files).`;
  assert.throws(() => refuseForeignOutput(out, false), foreign);
  refuseForeignOutput(out, true);
  mkdirSync(join(out, '.audiogen'));
  refuseForeignOutput(out, false);
  // Another tool's manifest alone is named as such.
  const other = join(root, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'manifest.json'), '{}');
  assert.throws(
    () => refuseForeignOutput(other, false),
    failsWith(/it holds manifest\.json, which audiogen did not write for this config\. Choose/),
  );
  // A file where the folder should be is a config error too.
  assert.throws(
    () => refuseForeignOutput(join(out, 'notes.txt'), true),
    (e: unknown) =>
      e instanceof AudiogenError &&
      e.exitCode === EXIT.config &&
      e.message === `output.directory: ${join(out, 'notes.txt')} is a file, not a folder`,
  );
  assert.throws(
    () => refuseForeignOutput(join(out, 'notes.txt', 'x'), false),
    failsWith(/^output\.directory: cannot read .*notes\.txt\/x \(ENOTDIR\)$/),
  );
});

test("removePreviousBuild (whole) deletes the logged shards, the logs and the top-level files; a user's files survive", async () => {
  const { out, log, records } = await built();
  const user = {
    'training/epoch-000/notes.txt': 'mine',
    'training/mine.npy': 'my array',
    'validation/epoch-001/x-000.npy.bak': 'a copy',
    'keep.json': '{}',
  };
  for (const [rel, text] of Object.entries(user)) writeFileSync(join(out, rel), text);
  // Records naming paths outside the layout are never followed, whatever the log says.
  const outside = join(out, '..', 'victim.txt');
  writeFileSync(outside, "not audiogen's");
  mkdirSync(join(out, 'training/epoch-000/sub'));
  writeFileSync(join(out, 'training/epoch-000/sub/x-000.npy'), 'nested');
  const r = records[0].record;
  for (const path of ['../victim.txt', outside, 'training/epoch-000/sub/x-000.npy', 'training/epoch-000/notes.txt']) {
    appendFileSync(
      log,
      JSON.stringify({ ...r, x: { ...r.x, path }, y: null, index: { ...r.index, path: 'keep.json' } }) + '\n',
    );
  }
  mkdirSync(join(out, 'training/epoch-005'));
  removePreviousBuild(out, log, true);
  const left = readTree(out);
  assert.deepEqual(Object.keys(left).sort(), [...Object.keys(user), 'training/epoch-000/sub/x-000.npy'].sort());
  assert.equal(readFileSync(outside, 'utf8'), "not audiogen's");
  // Empty layout folders go; those holding a user's file stay.
  assert.deepEqual(readdirSync(out).sort(), ['.audiogen', 'keep.json', 'training', 'validation']);
  assert.deepEqual(readdirSync(join(out, 'training')).sort(), ['epoch-000', 'mine.npy']);
  assert.deepEqual(readdirSync(join(out, 'validation')), ['epoch-001']);
});

test('removePreviousBuild of a partition deletes only its own log and shards; removePartials only its own temporaries', async () => {
  const out = join(tempDir(), 'out');
  const config = configFor(out);
  for (const index of [0, 1]) await build(config, { partition: { index, count: 2 } });
  const logs = [0, 1].map((index) => stateFile(out, { index, count: 2 }));
  const paths = (log: string) =>
    readState(log).shards.flatMap(({ record }) => {
      const r = record as NpyShardRecord;
      return [r.x.path, r.y!.path, r.index.path];
    });
  const mine = paths(logs[0]);
  const theirs = paths(logs[1]);
  const summary = readState(logs[0]).header!.listing;
  const own = ownedShards(plannedShards(config, summary), { index: 0, count: 2 }).map((s) => s.files as NpyShardFiles);
  const other = ownedShards(plannedShards(config, summary), { index: 1, count: 2 }).map(
    (s) => s.files as NpyShardFiles,
  );
  for (const f of [own[0], other[0]]) writeFileSync(join(out, `${f.x}.partial`), 'left by a killed build');
  removePartials(out, own);
  assert.equal(existsSync(join(out, `${own[0].x}.partial`)), false);
  assert.ok(existsSync(join(out, `${other[0].x}.partial`)), "another partition's temporary survives");
  removePreviousBuild(out, logs[0], false);
  const left = Object.keys(readTree(out));
  assert.ok(mine.every((p) => !left.includes(p)));
  assert.ok(theirs.every((p) => left.includes(p)));
  assert.equal(existsSync(logs[0]), false);
  assert.ok(existsSync(logs[1]));
});

test("removePartials (whole) removes layout-named temporaries only: a user's *.partial anywhere survives", async () => {
  const { out } = await built();
  const ours = [
    'training/epoch-000/x-000.npy.partial',
    'training/epoch-001/index-000.csv.partial',
    'validation/epoch-000/y-000.npy.partial',
    'testing/epoch-000/x-000.npy.partial',
    'manifest.json.partial',
    'classes.txt.partial',
  ];
  const theirs = [
    'draft.partial',
    'training/x-000.npy.partial',
    'training/epoch-000/notes.txt.partial',
    'training/epoch-000/x-000.partial',
    'evaluation/epoch-000/x-000.npy.partial',
    '.audiogen/shards-0-of-1.jsonl.partial',
  ];
  for (const rel of [...ours, ...theirs]) {
    mkdirSync(join(out, rel, '..'), { recursive: true });
    writeFileSync(join(out, rel), 'x');
  }
  removePartials(out, null);
  const left = Object.keys(readTree(out))
    .filter((k) => k.endsWith('.partial'))
    .sort();
  assert.deepEqual(left, [...theirs].sort());
});
