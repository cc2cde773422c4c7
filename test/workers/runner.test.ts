// A batch from the worker's side: the runner finds the samples of a batch's positions in the plan it was given,
// writes an npy shard's rows and labels at their offsets (nothing else in the files changes) and returns the index
// rows as text, or encodes a tar shard's members; a shard file it cannot write is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudiogenError } from '../../src/errors.js';
import { BLOCK, memberBytes, parseHeader } from '../../src/io/tar.js';
import { packSubset } from '../../src/plan/packed.js';
import { epochOrder } from '../../src/plan/plan.js';
import { BatchRunner, type ShardBatch } from '../../src/workers/runner.js';
import { makeConfig, tempDir, toneClips } from '../helpers.js';

const { dataset, decoded } = toneClips();
const samples = [
  { label: 0, file: 'yes/a_nohash_0.wav' },
  { label: 0, file: 'yes/b_nohash_0.wav' },
  { label: 1, file: 'no/c_nohash_0.wav' },
  { label: 1, file: null },
];
/** Raw float32 audio of 100 ms (1600 samples), no trim, offset 0, shuffled: a row is its clip followed by zeros. */
const config = makeConfig(dataset, '/out', {
  dataset: { shuffle: true, seed: 3, class_mode: 'sparse' },
  generator: { trim_threshold_db: null, disable_random_transforms: true },
  frontend: { sample_length_ms: 100 },
});
const setup = {
  config,
  background: [],
  rirs: [],
  subsets: [packSubset({ subset: 'training', samples, shards: [{ start: 0, count: samples.length }] })],
};
const ROW = 1600 * 4;
const HEADER = 128;

test('a batch names positions; the runner writes their rows and labels at the offsets, and returns the index rows', async () => {
  const runner = await BatchRunner.create(setup);
  // Shard files of 4 rows (labels: int32) filled with a marker; the batch holds positions 1..2 of epoch 5.
  const dir = tempDir();
  const xPath = join(dir, 'x.partial');
  const yPath = join(dir, 'y.partial');
  writeFileSync(xPath, Buffer.alloc(HEADER + 4 * ROW, 0xa5));
  writeFileSync(yPath, Buffer.alloc(HEADER + 4 * 4, 0xa5));
  const batch: ShardBatch = {
    subset: 'training',
    epoch: 5,
    batchIndex: 0,
    start: 1,
    count: 2,
    files: { xPath, xOffset: HEADER + ROW, yPath, yOffset: HEADER + 4 },
  };
  const order = epochOrder(4, true, 3, 'training', 5);
  const placed = [samples[order[1]], samples[order[2]]];
  const seen: number[] = [];
  const output = runner.run(batch, (i) => seen.push(i));
  assert.deepEqual(seen, [0, 1]);
  assert.ok('csv' in output);
  assert.deepEqual(
    output.csv
      .trimEnd()
      .split('\n')
      .map((l) => l.split(',').slice(0, 4).join(',')),
    placed.map((s, i) => `${1 + i},${s.label},${s.label ? 'no' : 'yes'},${s.file ?? ''}`),
    'the samples of positions 1 and 2 of the epoch order',
  );
  const x = readFileSync(xPath);
  const untouched = (b: Buffer, from: number, to: number) => b.subarray(from, to).every((v) => v === 0xa5);
  assert.ok(untouched(x, 0, HEADER + ROW) && untouched(x, HEADER + 3 * ROW, x.length), 'x: only the batch rows');
  placed.forEach((s, i) => {
    const at = x.byteOffset + HEADER + (1 + i) * ROW;
    const row = new Float32Array(x.buffer.slice(at, at + ROW));
    const clip = s.file === null ? new Float32Array(0) : decoded(s.file);
    assert.deepEqual(row.subarray(0, clip.length), clip, `row ${i}: its clip`);
    assert.ok(row.subarray(clip.length).every((v) => v === 0));
  });
  const y = readFileSync(yPath);
  assert.deepEqual([y.readInt32LE(HEADER + 4), y.readInt32LE(HEADER + 8)], [placed[0].label, placed[1].label]);
  assert.ok(untouched(y, 0, HEADER + 4) && untouched(y, HEADER + 12, y.length), 'y: only the batch labels');
});

test('a batch without files comes back as its tar members: a .npy, .cls and .json per sample, keyed by position', async () => {
  const runner = await BatchRunner.create(setup);
  const output = runner.run({ subset: 'training', epoch: 0, batchIndex: 0, start: 0, count: 4, files: null });
  assert.ok('members' in output);
  const names: string[] = [];
  for (let at = 0; at < output.members.length; ) {
    const h = parseHeader(output.members.subarray(at, at + BLOCK));
    if (!h) break;
    names.push(h.name);
    at += memberBytes(h.size);
  }
  assert.deepEqual(names.slice(0, 3), [
    'training-e000-00000000.npy',
    'training-e000-00000000.cls',
    'training-e000-00000000.json',
  ]);
  assert.equal(names.length, 12);
});

test('a shard file that cannot be written is named', async () => {
  const runner = await BatchRunner.create(setup);
  const xPath = join(tempDir(), 'gone', 'x.partial');
  assert.throws(
    () =>
      runner.run({
        subset: 'training',
        epoch: 0,
        batchIndex: 0,
        start: 0,
        count: 1,
        files: { xPath, xOffset: 0, yPath: null, yOffset: 0 },
      }),
    (err: unknown) =>
      err instanceof AudiogenError && err.message.startsWith(`cannot write ${xPath}: `) && /ENOENT/.test(err.message),
  );
});
