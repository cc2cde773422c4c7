// A shard under temporary names until finalize() renames it: rows at fixed offsets, y and index in position order,
// and nothing left behind when opening fails half-way (a full disk), when rows are missing, or on abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AudiogenError } from '../../src/errors.js';
import { tmpName } from '../../src/io/atomic.js';
import { labelFormat, type LabelFormat } from '../../src/io/labels.js';
import { shardFiles, type ShardSpec } from '../../src/io/layout.js';
import { Digests } from '../../src/io/seal.js';
import { ShardWriter, type XFormat } from '../../src/io/shard-writer.js';
import { python, readTree, smallTmpfs, tempDir } from '../helpers.js';

const COLUMNS = ['position', 'label', 'class', 'file'];
const X: XFormat = { dtype: 'int16', sampleShape: [3, 2] };
const Y = labelFormat('categorical', 'int16', 4)!;
/** The second shard of an epoch: positions 5..9. */
const SPEC: ShardSpec = { subset: 'training', epoch: 2, shard: 1, start: 5, count: 5 };
const FILES = shardFiles('training', 2, 1, 2);

const writer = (out: string, spec = SPEC, y: LabelFormat | null = Y) =>
  new ShardWriter(out, spec, shardFiles(spec.subset, spec.epoch, spec.shard, 2), X, y, COLUMNS);
/** Every file under `dir`, relative. */
const filesIn = (dir: string) => Object.keys(readTree(dir)).sort();
const csvRows = (positions: number[]) => positions.map((p) => `${p},${p % 4},c${p % 4},f${p}.wav\n`).join('');

/** What a worker does: writes the rows and one-hot labels (label p % 4) of `positions` at their offsets. */
function writeRows(w: ShardWriter, positions: number[]): void {
  const rows = new Int16Array(positions.length * 6);
  const labels = new Int16Array(positions.length * 4);
  positions.forEach((p, i) => {
    rows.fill(p * 100 + i, i * 6, (i + 1) * 6).set([p], i * 6);
    labels[i * 4 + (p % 4)] = 1;
  });
  const files = w.rowFiles(positions[0]);
  for (const [path, data, offset] of [
    [files.xPath, rows, files.xOffset],
    [files.yPath!, labels, files.yOffset],
  ] as const) {
    const fd = openSync(path, 'r+');
    writeSync(fd, data, 0, data.byteLength, offset);
    closeSync(fd);
  }
}

for (const [blocked, yFormat, removed] of [
  ['y', Y, ['x']],
  ['index', Y, ['x', 'y']],
  ['index', null, ['x']],
] as const) {
  test(`a writer whose ${blocked} file cannot be created removes the ${removed.join(' and ')} file(s) it made${yFormat ? '' : ' (no y)'}`, () => {
    const out = tempDir();
    // Something that is not ours under the temporary name: opening it for writing fails (EISDIR).
    const obstacle = tmpName(join(out, FILES[blocked]));
    mkdirSync(obstacle, { recursive: true });
    assert.throws(
      () => writer(out, SPEC, yFormat),
      (e: unknown) => e instanceof AudiogenError && e.message.startsWith(`cannot write ${obstacle}: `),
    );
    assert.deepEqual(
      readdirSync(join(out, 'training/epoch-002')),
      [`${FILES[blocked].split('/').pop()}.partial`],
      'only the obstacle is left',
    );
    for (const key of removed) assert.equal(existsSync(tmpName(join(out, FILES[key]))), false, `${key} removed`);
  });
}

test('a writer on a disk that fills up while it opens its files removes the ones it made (needs root)', (t) => {
  // nr_inodes: the root, training/, epoch-002/, then room for 1 or 2 of the shard's 3 files.
  for (const [inodes, failing] of [
    [4, 'y'],
    [5, 'index'],
  ] as const) {
    const out = smallTmpfs(t, `size=1m,nr_inodes=${inodes}`);
    if (!out) return t.skip('needs root to mount a small tmpfs');
    assert.throws(
      () => writer(out),
      (e: unknown) =>
        e instanceof AudiogenError &&
        e.message === `cannot write ${tmpName(join(out, FILES[failing]))}: no space left on device`,
    );
    assert.deepEqual(filesIn(out), [], `nothing left after the ${failing} file failed`);
  }
});

test('finalize renames the three files and records their sizes and sha256; numpy reads the rows at their positions', async () => {
  const out = tempDir();
  const w = writer(out);
  assert.equal(w.rowBytes, 12);
  assert.deepEqual(w.rowFiles(5), {
    xPath: tmpName(join(out, FILES.x)),
    xOffset: w.xHeaderBytes,
    yPath: tmpName(join(out, FILES.y)),
    yOffset: 128,
  });
  assert.equal(w.rowFiles(7).xOffset, w.xHeaderBytes + 24);
  assert.equal(w.rowFiles(7).yOffset, 128 + 16, 'y rows of 4 int16 labels');
  // Batches arrive out of order; index rows are still written in position order.
  for (const batch of [
    [8, 9],
    [5, 6, 7],
  ]) {
    writeRows(w, batch);
    w.addRows(batch[0], batch.length, csvRows(batch));
  }
  assert.deepEqual(
    filesIn(out),
    [FILES.index, FILES.x, FILES.y].map((f) => `${f}.partial`).sort(),
    'temporary names until finalize',
  );
  const record = await w.finalize(new Digests());
  assert.deepEqual(filesIn(out), [FILES.index, FILES.x, FILES.y].sort());
  assert.deepEqual(
    { ...record, x: undefined, y: undefined, index: undefined },
    { ...SPEC, x: undefined, y: undefined, index: undefined },
  );
  for (const [key, f] of [
    ['x', record.x],
    ['y', record.y!],
    ['index', record.index],
  ] as const) {
    const bytes = readFileSync(join(out, f.path));
    assert.equal(f.path, FILES[key]);
    assert.equal(f.bytes, bytes.length, key);
    assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'), key);
  }
  assert.deepEqual(
    [record.x.shape, record.x.dtype, record.y!.shape, record.y!.dtype],
    [[5, 3, 2], 'int16', [5, 4], 'int16'],
  );
  assert.equal(readFileSync(join(out, FILES.index), 'utf8'), `${COLUMNS.join(',')}\n${csvRows([5, 6, 7, 8, 9])}`);
  python(
    `
import sys, numpy as np
out = sys.argv[1]
x = np.load(out + '/training/epoch-002/x-001.npy', mmap_mode='r')
y = np.load(out + '/training/epoch-002/y-001.npy')
assert x.shape == (5, 3, 2) and x.dtype == np.int16, x.shape
assert [int(x[i, 0, 0]) for i in range(5)] == [5, 6, 7, 8, 9], x[:, 0, 0]
assert y.shape == (5, 4) and y.argmax(axis=1).tolist() == [1, 2, 3, 0, 1] and (y.sum(axis=1) == 1).all(), y
`,
    [out],
  );
});

test('an empty shard finalizes at once into empty arrays numpy loads', async () => {
  const out = tempDir();
  const record = await writer(out, { ...SPEC, start: 0, count: 0 }).finalize(new Digests());
  assert.deepEqual(record.x.shape, [0, 3, 2]);
  python(
    `
import sys, numpy as np
assert np.load(sys.argv[1] + '/training/epoch-002/x-001.npy').shape == (0, 3, 2)
assert np.load(sys.argv[1] + '/training/epoch-002/y-001.npy').shape == (0, 4)
`,
    [out],
  );
  assert.equal(readFileSync(join(out, record.index.path), 'utf8'), 'position,label,class,file\n');
});

test('finalize with rows missing is an error and renames nothing; abort then removes the temporaries', async () => {
  const out = tempDir();
  const w = writer(out);
  w.addRows(5, 2, csvRows([5, 6]));
  // Positions 8..9 arrived, 7 did not: only 5..6 are contiguous.
  w.addRows(8, 2, csvRows([8, 9]));
  await assert.rejects(
    w.finalize(new Digests()),
    /shard training\/epoch-002\/x-001\.npy finalized with rows missing \(2\/5\)/,
  );
  assert.ok(filesIn(out).every((f) => f.endsWith('.partial')));
  w.abort();
  assert.deepEqual(filesIn(out), []);
});

test('abort removes the temporaries of a shard being written, and nothing else', () => {
  const out = tempDir();
  const w = writer(out);
  writeRows(w, [5, 6]);
  w.addRows(5, 2, csvRows([5, 6]));
  mkdirSync(join(out, 'training/epoch-002/mine'));
  w.abort();
  assert.deepEqual(readdirSync(join(out, 'training/epoch-002')), ['mine']);
});

test('a second abort does not close a descriptor the process has since opened for another file', () => {
  const out = tempDir();
  const w = writer(out);
  w.abort();
  // Descriptors are reused lowest first: these take the numbers the writer's files had.
  const others = [0, 1, 2].map((i) => openSync(join(out, `other-${i}`), 'w'));
  try {
    w.abort();
    for (const fd of others) writeSync(fd, 'still open');
  } finally {
    for (const fd of others) {
      try {
        closeSync(fd);
      } catch {
        // closed by the second abort: the write above has failed already
      }
    }
  }
});

test('a seal that fails (a full disk at fsync) leaves the shard under its temporary names for abort to remove', async () => {
  const out = tempDir();
  const w = writer(out, { ...SPEC, start: 0, count: 0 });
  await assert.rejects(
    w.finalize({
      ahead: async () => {},
      seal: async () => {
        throw new AudiogenError('cannot write x: no space left on device');
      },
    }),
    /no space left on device/,
  );
  assert.ok(
    filesIn(out).every((f) => f.endsWith('.partial')),
    'nothing renamed',
  );
  w.abort();
  assert.deepEqual(filesIn(out), []);
});
