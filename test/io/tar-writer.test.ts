// A tar shard under its temporary name until finalize(): batches in any order land in position order, sealed (flushed
// and hashed) before the rename; nothing is left behind on abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpName } from '../../src/io/atomic.js';
import { TAR_END, tarMember } from '../../src/io/tar.js';
import { Digests } from '../../src/io/seal.js';
import { TarShardWriter } from '../../src/io/tar-writer.js';
import { readTree, tempDir } from '../helpers.js';

const SPEC = { subset: 'training' as const, epoch: 1, shard: 2, start: 6, count: 5 };
const REL = 'training/epoch-001/shard-002.tar';
const members = (positions: number[]) =>
  Buffer.concat(positions.map((p) => tarMember(`s-${p}.txt`, Buffer.from(`sample ${p}`))));

test('batches finished in any order are written in position order, then the end; the record hashes the file', async () => {
  const out = tempDir();
  const w = new TarShardWriter(out, SPEC, REL);
  assert.ok(existsSync(tmpName(join(out, REL))), 'written under its temporary name');
  const late = w.add(9, 2, members([9, 10]));
  const middle = w.add(8, 1, members([8]));
  await w.add(6, 2, members([6, 7]));
  await Promise.all([late, middle]);
  const record = await w.finalize(new Digests());
  const bytes = readFileSync(join(out, REL));
  assert.deepEqual(bytes, Buffer.concat([members([6, 7, 8, 9, 10]), TAR_END]));
  assert.deepEqual(record, {
    path: REL,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
  assert.deepEqual(Object.keys(readTree(out)), [REL], 'no temporary file left');
});

test('finalize with samples missing fails; abort removes the temporary file and refuses batches still waiting', async () => {
  const out = tempDir();
  const w = new TarShardWriter(out, SPEC, REL);
  await w.add(6, 2, members([6, 7]));
  const waiting = w.add(9, 2, members([9, 10]));
  await assert.rejects(w.finalize(new Digests()), /finalized with samples missing \(2\/5\)/);
  w.abort();
  await assert.rejects(waiting, /abandoned/);
  assert.deepEqual(readTree(out), {});
});

test('an empty shard is an empty archive: the two end blocks', async () => {
  const out = tempDir();
  const w = new TarShardWriter(out, { ...SPEC, count: 0 }, REL);
  const r = await w.finalize(new Digests());
  assert.deepEqual(readFileSync(join(out, REL)), TAR_END);
  assert.equal(r.bytes, 1024);
});
