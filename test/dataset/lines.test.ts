// Lines of a user's text file, a chunk at a time: any size, bounded lines, never blocking on a FIFO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachLine, MAX_LINE_BYTES, TextFileError } from '../../src/dataset/lines.js';
import { tempDir } from '../helpers.js';

async function lines(path: string): Promise<[number, string][]> {
  const out: [number, string][] = [];
  await forEachLine(path, 'list.txt', (text, line) => out.push([line, text]));
  return out;
}

test('lines across chunk boundaries come whole, numbered, without \\r\\n, a BOM or a broken UTF-8 character', async () => {
  const path = join(tempDir(), 'big.txt');
  // Lines of varying length so some straddle the 1 MiB chunks; a multi-byte character at many offsets.
  const expected: string[] = [];
  for (let i = 0; expected.join('\n').length < 3.5 * (1 << 20); i++) expected.push(`é${'x'.repeat(i % 997)}${i}`);
  writeFileSync(path, `\ufeff${expected.join('\r\n')}`);
  const got = await lines(path);
  assert.equal(got.length, expected.length);
  assert.deepEqual(
    got.map(([, t]) => t),
    expected,
  );
  assert.deepEqual(
    got.slice(0, 3).map(([n]) => n),
    [1, 2, 3],
  );
});

test('a line longer than the limit is refused by its number; missing files, folders and FIFOs are named', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'long.txt'), `ok\n${'y'.repeat(MAX_LINE_BYTES + 10)}\n`);
  await assert.rejects(lines(join(dir, 'long.txt')), (err: unknown) => {
    assert.ok(err instanceof TextFileError);
    assert.match(err.message, /^list\.txt:2: a line longer than 1048576 bytes/);
    return true;
  });
  await assert.rejects(lines(join(dir, 'none.txt')), /^Error: list\.txt does not exist$/);
  mkdirSync(join(dir, 'folder'));
  await assert.rejects(lines(join(dir, 'folder')), /list\.txt is a folder, not a file/);
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  await assert.rejects(lines(join(dir, 'fifo')), /list\.txt is a FIFO \(named pipe\), not a file/);
});
