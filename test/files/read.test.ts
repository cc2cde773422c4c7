import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotAFileError, openRegularFile, readRegularFile } from '../../src/files/read.js';
import { tempDir } from '../helpers.js';

test('reads a regular file whole, into a given buffer when it fits', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.bin'), Buffer.from([1, 2, 3]));
  assert.deepEqual([...readRegularFile(join(dir, 'a.bin'))], [1, 2, 3]);
  const into = Buffer.alloc(16);
  const got = readRegularFile(join(dir, 'a.bin'), into);
  assert.equal(got.buffer, into.buffer);
  assert.deepEqual([...got], [1, 2, 3]);
});

test('a FIFO, or a link to one, is refused at once instead of blocking', () => {
  const dir = tempDir();
  const fifo = join(dir, 'pipe.wav');
  execFileSync('mkfifo', [fifo]);
  symlinkSync(fifo, join(dir, 'link.wav'));
  for (const p of [fifo, join(dir, 'link.wav')]) {
    assert.throws(
      () => readRegularFile(p),
      (e: unknown) => e instanceof NotAFileError && /is a FIFO \(named pipe\), not a regular file/.test(e.message),
    );
  }
});

test('a folder and a character device are refused by what they are; a missing file keeps its system error', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'sub.wav'));
  assert.throws(() => openRegularFile(join(dir, 'sub.wav')), /is a folder, not a regular file/);
  assert.throws(() => openRegularFile('/dev/null'), /is a character device/);
  assert.throws(() => openRegularFile(join(dir, 'nope.wav')), { code: 'ENOENT' });
});
