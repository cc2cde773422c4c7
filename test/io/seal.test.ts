// Sealing a shard's files: a file hashed ahead as it grows seals to the sha256 of its whole bytes, a file never
// hashed ahead is hashed at the seal, and a request that skips bytes or a file that is gone is an error naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudiogenError } from '../../src/errors.js';
import { Digests } from '../../src/io/seal.js';
import { tempDir } from '../helpers.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** `n` bytes that differ from position to position, so a byte hashed twice or skipped changes the digest. */
const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

test('a file hashed ahead in pieces while it grows seals to the sha256 of all its bytes', async () => {
  const dir = tempDir();
  const path = join(dir, 'x.partial');
  // 3 MiB in three appends; ahead() after each, the last bytes left for the seal (more than the 1 MiB read buffer).
  const parts = [bytes(1_500_000, 1), bytes(1_200_000, 2), bytes(500_000, 3)];
  const d = new Digests();
  writeFileSync(path, parts[0]);
  await d.ahead(path, 0, 1_000_000);
  await d.ahead(path, 1_000_000, 1_500_000);
  appendFileSync(path, parts[1]);
  await d.ahead(path, 1_500_000, 2_700_000);
  appendFileSync(path, parts[2]);
  const other = join(dir, 'index.partial');
  writeFileSync(other, 'position,label\n');
  const sealed = await d.seal([path, other]);
  assert.deepEqual(sealed, [
    { bytes: 3_200_000, sha256: sha(Buffer.concat(parts)) },
    { bytes: 15, sha256: sha(Buffer.from('position,label\n')) },
  ]);
});

test('hashing ahead from anywhere but where the last piece ended is an error naming the file', async () => {
  const path = join(tempDir(), 'x.partial');
  writeFileSync(path, bytes(1000, 4));
  const d = new Digests();
  await d.ahead(path, 0, 500);
  await assert.rejects(
    d.ahead(path, 600, 1000),
    (e: unknown) =>
      e instanceof AudiogenError && e.message.includes(`${path}: hashed ahead to 500, then asked from 600`),
  );
});

test('a file that is gone cannot be sealed, and the error names it', async () => {
  const path = join(tempDir(), 'gone.partial');
  await assert.rejects(
    new Digests().seal([path]),
    (e: unknown) => e instanceof AudiogenError && e.message.startsWith(`cannot write ${path}: `),
  );
});
