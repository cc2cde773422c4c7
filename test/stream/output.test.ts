// A stream folder: which folders a stream may be written to, and files that appear under their final names only
// once all of them are complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkStreamDir, StreamFiles } from '../../src/stream/output.js';
import { tempDir } from '../helpers.js';

test('a new or empty folder, or one holding a stream audiogen made (leftovers included), may take a stream', () => {
  const dir = tempDir();
  checkStreamDir(join(dir, 'new'));
  mkdirSync(join(dir, 'empty'));
  checkStreamDir(join(dir, 'empty'));
  const made = join(dir, 'made');
  mkdirSync(made);
  for (const f of ['stream.wav', 'labels.csv', 'features.npy', 'labels.csv.partial']) writeFileSync(join(made, f), '');
  writeFileSync(join(made, 'stream.json'), JSON.stringify({ format: 'audiogen-stream' }));
  checkStreamDir(made);
  const interrupted = join(dir, 'interrupted');
  mkdirSync(interrupted);
  writeFileSync(join(interrupted, 'stream.wav.partial'), '');
  checkStreamDir(interrupted);
});

test('anything else is refused with exit 2, naming what it holds', () => {
  const dir = tempDir();
  const refuse = (path: string, message: RegExp) =>
    assert.throws(
      () => checkStreamDir(path),
      (e: Error & { exitCode?: number }) => e.exitCode === 2 && message.test(e.message),
    );
  writeFileSync(join(dir, 'file'), '');
  refuse(join(dir, 'file'), /--out: .*file is a file, not a folder/);
  mkdirSync(join(dir, 'other'));
  for (const f of ['a.txt', 'b.txt', 'stream.wav']) writeFileSync(join(dir, 'other', f), '');
  refuse(join(dir, 'other'), /holds "a\.txt" and 1 more/);
  mkdirSync(join(dir, 'json'));
  writeFileSync(join(dir, 'json', 'stream.json'), JSON.stringify({ format: 'something else' }));
  writeFileSync(join(dir, 'json', 'features.npy'), '');
  refuse(join(dir, 'json'), /holds features\.npy without the stream\.json audiogen writes/);
});

test('files are written under temporary names; commit puts them under their final names with stream.json last', () => {
  const dir = join(tempDir(), 'out');
  const files = new StreamFiles(dir);
  files.write('stream.wav', Buffer.from('wav'));
  files.write('labels.csv', Buffer.from('yes, 1.0, 2.0\n'));
  files.write('features.npy', Buffer.from('npy'));
  assert.deepEqual(readdirSync(dir).sort(), ['features.npy.partial', 'labels.csv.partial', 'stream.wav.partial']);
  files.commit({ format: 'audiogen-stream' });
  assert.deepEqual(readdirSync(dir).sort(), ['features.npy', 'labels.csv', 'stream.json', 'stream.wav']);
  assert.equal(readFileSync(join(dir, 'labels.csv'), 'utf8'), 'yes, 1.0, 2.0\n');
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'stream.json'), 'utf8')), { format: 'audiogen-stream' });
});

test('abort leaves nothing of the unfinished stream, and an earlier stream in the folder as it was', () => {
  const dir = join(tempDir(), 'out');
  const first = new StreamFiles(dir);
  for (const f of ['stream.wav', 'labels.csv', 'features.npy'] as const) first.write(f, Buffer.from('old'));
  first.commit({ format: 'audiogen-stream', n: 1 });
  const second = new StreamFiles(dir);
  second.write('stream.wav', Buffer.from('new'));
  second.abort();
  assert.deepEqual(readdirSync(dir).sort(), ['features.npy', 'labels.csv', 'stream.json', 'stream.wav']);
  assert.equal(readFileSync(join(dir, 'stream.wav'), 'utf8'), 'old');
  assert.equal(JSON.parse(readFileSync(join(dir, 'stream.json'), 'utf8')).n, 1);
});
