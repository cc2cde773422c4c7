import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav } from '../../src/audio/wav.js';
import { readAudio as readWav, type ReadBuffer } from '../../src/audio/read.js';
import { NotAFileError } from '../../src/files/read.js';
import { tempDir } from '../helpers.js';
import { wav } from '../attacks/hostile-wavs.js';

test('reads a clip into the reused buffer, grown only for a bigger clip', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.wav'), wav());
  const scratch: ReadBuffer = { bytes: Buffer.alloc(16) };
  const audio = readWav(join(dir, 'a.wav'), scratch);
  assert.deepEqual(audio, decodeWav(wav()));
  const grown = scratch.bytes;
  assert.equal(grown.length, wav().length);
  readWav(join(dir, 'a.wav'), scratch);
  assert.equal(scratch.bytes, grown);
});

test('a FIFO, a link to one and a device are refused at once; nothing blocks', () => {
  const dir = tempDir();
  execFileSync('mkfifo', [join(dir, 'pipe.wav')]);
  symlinkSync(join(dir, 'pipe.wav'), join(dir, 'link.wav'));
  for (const p of [join(dir, 'pipe.wav'), join(dir, 'link.wav'), '/dev/zero'])
    assert.throws(() => readWav(p), NotAFileError, p);
});

test('a clip followed by gigabytes of junk (sparse) is decoded from its header and data only', () => {
  const dir = tempDir();
  const path = join(dir, 'tail.wav');
  writeFileSync(path, wav());
  truncateSync(path, 8 * 2 ** 30);
  const scratch: ReadBuffer = { bytes: Buffer.alloc(0) };
  assert.deepEqual(readWav(path, scratch), decodeWav(wav()));
  assert.ok(scratch.bytes.length < 1 << 16, `read ${scratch.bytes.length} bytes`);
});
