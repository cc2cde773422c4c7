// The build's state log: one JSON line per finished shard after a header. What a killed build or a damaged file
// leaves is read as "not done", never as done, and a log that is not a file is named, not read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AudiogenError } from '../../src/errors.js';
import type { ShardRecord } from '../../src/io/shard-writer.js';
import { readState, STATE_FILE_PATTERN, StateWriter, stateFile, type StateHeader } from '../../src/io/state.js';
import { tempDir } from '../helpers.js';

const header = (config_hash = 'a'.repeat(64)): StateHeader => ({
  kind: 'audiogen-state',
  config_hash,
  dataset_hash: 'd'.repeat(64),
  config: { dataset: { seed: 0 } },
  epochs: 2,
  partition: { index: 0, count: 1 },
  listing: {
    classes: ['yes', 'no'],
    subsets: { training: { samples: 4, class_counts: { yes: 2, no: 2 } } },
    skipped: [],
    warnings: [],
  },
  inputs: { stat: 's'.repeat(64) },
});
const record = (epoch: number): ShardRecord => ({
  subset: 'training',
  epoch,
  shard: 0,
  start: 0,
  count: 4,
  x: {
    path: `training/epoch-00${epoch}/x-000.npy`,
    bytes: 200,
    sha256: 'x'.repeat(64),
    shape: [4, 10],
    dtype: 'float32',
  },
  y: {
    path: `training/epoch-00${epoch}/y-000.npy`,
    bytes: 160,
    sha256: 'y'.repeat(64),
    shape: [4, 2],
    dtype: 'float32',
  },
  index: { path: `training/epoch-00${epoch}/index-000.csv`, bytes: 90, sha256: 'i'.repeat(64) },
});

/** A log written by StateWriter: the header and shards of epochs 0 and 1. */
function writtenLog(): string {
  const path = stateFile(tempDir(), { index: 0, count: 1 });
  const w = new StateWriter(path);
  w.start(header());
  w.record(record(0));
  w.record(record(1));
  return path;
}

test('stateFile: one log per partition under .audiogen/, named so STATE_FILE_PATTERN finds it', () => {
  assert.equal(stateFile('/out', { index: 0, count: 1 }), '/out/.audiogen/shards-0-of-1.jsonl');
  assert.equal(stateFile('/out', { index: 12, count: 40 }), '/out/.audiogen/shards-12-of-40.jsonl');
  assert.deepEqual(STATE_FILE_PATTERN.exec('shards-12-of-40.jsonl')?.slice(1), ['12', '40']);
  for (const name of [
    'lock-0-of-1.json',
    'shards-0-of-1.jsonl.partial',
    'shards-a-of-1.jsonl',
    'x/shards-0-of-1.jsonl',
  ]) {
    assert.equal(STATE_FILE_PATTERN.test(name), false, name);
  }
});

test('a log reads back as written: the header and each record with its line number', () => {
  const path = writtenLog();
  const state = readState(path);
  assert.deepEqual(state.header, header());
  assert.deepEqual(state.shards, [
    { record: record(0), line: 2 },
    { record: record(1), line: 3 },
  ]);
});

test("no log is an empty state; start() begins a new log, dropping the old one's records", () => {
  const dir = tempDir();
  assert.deepEqual(readState(join(dir, '.audiogen', 'shards-0-of-1.jsonl')), { header: null, shards: [] });
  const path = writtenLog();
  new StateWriter(path).start(header('b'.repeat(64)));
  assert.deepEqual(readState(path), { header: header('b'.repeat(64)), shards: [] });
});

test('a torn last line (a build killed mid-write) is a shard not done; the lines before it count', () => {
  const path = writtenLog();
  appendFileSync(path, JSON.stringify(record(2)).slice(0, 57));
  const state = readState(path);
  assert.deepEqual(
    state.shards.map((s) => s.record.epoch),
    [0, 1],
  );
  assert.deepEqual(state.header, header());
});

test('record lines that are not objects are ignored; blank lines keep the numbering', () => {
  const path = writtenLog();
  appendFileSync(
    path,
    ['42', 'null', '"training/epoch-000/x-000.npy"', 'true', '', '   ', JSON.stringify(record(5))].join('\n') + '\n',
  );
  const state = readState(path);
  assert.deepEqual(
    state.shards.map((s) => [s.record.epoch, s.line]),
    [
      [0, 2],
      [1, 3],
      [5, 10],
    ],
  );
});

test('records before any header are not shards of this log', () => {
  const path = join(tempDir(), 'shards-0-of-1.jsonl');
  writeFileSync(
    path,
    [JSON.stringify(record(0)), JSON.stringify(header()), JSON.stringify(record(1))].join('\n') + '\n',
  );
  assert.deepEqual(
    readState(path).shards.map((s) => s.record.epoch),
    [1],
  );
});

test('a later header line wins (updateHeader), and the records keep counting', () => {
  const path = writtenLog();
  const updated = { ...header(), inputs: { stat: 's'.repeat(64), content: 'c'.repeat(64) } };
  new StateWriter(path).updateHeader(updated);
  const state = readState(path);
  assert.deepEqual(state.header, updated);
  assert.deepEqual(
    state.shards.map((s) => s.record.epoch),
    [0, 1],
  );
  assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 4, 'appended, not rewritten');
});

test('a log that is a folder or a FIFO is named as such, without blocking', () => {
  const dir = tempDir();
  const folder = join(dir, 'folder.jsonl');
  mkdirSync(folder);
  const fifo = join(dir, 'fifo.jsonl');
  execFileSync('mkfifo', [fifo]);
  for (const [path, what] of [
    [folder, 'a folder'],
    [fifo, 'a FIFO \\(named pipe\\)'],
  ]) {
    assert.throws(
      () => readState(path),
      (e: unknown) =>
        e instanceof AudiogenError &&
        new RegExp(`^${path}: ${what} where audiogen keeps its build log; audiogen did not make it: remove it$`).test(
          e.message,
        ),
    );
  }
});

test('a log that cannot be written says which and why', () => {
  const path = join(tempDir(), 'shards-0-of-1.jsonl');
  mkdirSync(path);
  assert.throws(
    () => new StateWriter(path).start(header()),
    (e: unknown) => e instanceof AudiogenError && e.message.startsWith(`cannot write ${path}: `),
  );
});
