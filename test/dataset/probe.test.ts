import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeClip } from '../../src/dataset/probe.js';
import { tempDir } from '../helpers.js';
import { floatWav, wav } from '../attacks/hostile-wavs.js';
import { hostileCodecs } from '../attacks/hostile-codecs.js';
import { CODECS } from '../audio/codecs.js';

/** Why the probe refuses the clip (null: it decodes). */
const probeReason = async (path: string, tick?: () => undefined) => (await probeClip(path, tick)).reason;

test('a FIFO, a socket, a link to a FIFO or a device is a reason at once, never a blocked open', async () => {
  const dir = tempDir();
  execFileSync('mkfifo', [join(dir, 'pipe.wav')]);
  symlinkSync(join(dir, 'pipe.wav'), join(dir, 'link.wav'));
  execFileSync('python3', [
    '-c',
    'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
    join(dir, 'sock.wav'),
  ]);
  assert.equal(await probeReason(join(dir, 'pipe.wav')), 'is a FIFO (named pipe), not a regular file');
  assert.equal(await probeReason(join(dir, 'link.wav')), 'is a FIFO (named pipe), not a regular file');
  assert.equal(await probeReason(join(dir, 'sock.wav')), 'is a socket, not a regular file');
  assert.equal(await probeReason('/dev/zero'), 'is a character device, not a regular file');
  assert.equal(await probeReason(join(dir, 'missing.wav')), 'cannot read (ENOENT)');
});

test('an absurd header is a reason: rates, channels and duration are bounded before anything is read', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'r.wav'), wav({ rate: 0xfffffff0 }));
  assert.match((await probeReason(join(dir, 'r.wav')))!, /^bad header: sample rate 4294967280 Hz/);
  writeFileSync(join(dir, 'ok.wav'), wav());
  assert.equal(await probeReason(join(dir, 'ok.wav')), null);
});

test('float WAVs are checked sample by sample, in slices with a tick between them; a NaN anywhere is named', async () => {
  const dir = tempDir();
  // 3 MB of float32 (more than two slices) with a NaN near the end.
  const frames = 800_000;
  const data = Buffer.alloc(frames * 4);
  data.writeFloatLE(NaN, (frames - 3) * 4);
  const bytes = wav({ tag: 3, bits: 32, data });
  writeFileSync(join(dir, 'late-nan.wav'), bytes);
  let ticks = 0;
  const tick = () => {
    ticks++;
    return undefined;
  };
  assert.equal(await probeReason(join(dir, 'late-nan.wav'), tick), `sample ${frames - 3} of channel 0 is NaN`);
  assert.ok(ticks >= 2, `${ticks} ticks`);
  writeFileSync(join(dir, 'inf.wav'), floatWav('float64', Infinity, { channels: 2 }));
  assert.equal(await probeReason(join(dir, 'inf.wav')), 'sample 5 of channel 1 is +Inf');
  writeFileSync(join(dir, 'fine.wav'), floatWav('float32', 0.9));
  assert.equal(await probeReason(join(dir, 'fine.wav')), null);
});

test('a header that reaches past the first 4 KB (a big chunk before fmt) is checked on the whole file', async () => {
  const dir = tempDir();
  const clip = wav();
  const junk = Buffer.alloc(8 + 10000);
  junk.write('JUNK', 0);
  junk.writeUInt32LE(10000, 4);
  writeFileSync(join(dir, 'junk.wav'), Buffer.concat([clip.subarray(0, 12), junk, clip.subarray(12)]));
  assert.equal(await probeReason(join(dir, 'junk.wav')), null);
  writeFileSync(join(dir, 'junk-cut.wav'), Buffer.concat([clip.subarray(0, 12), junk, clip.subarray(12, 100)]));
  assert.match((await probeReason(join(dir, 'junk-cut.wav')))!, /^truncated: data chunk declares 3200 bytes/);
});

test('compressed files are checked whole before planning: every hostile one gets the reason the decoder would give', async () => {
  const dir = tempDir();
  for (const h of hostileCodecs()) {
    writeFileSync(join(dir, h.name), h.bytes);
    const reason = await probeReason(join(dir, h.name));
    if (h.bad === null) assert.equal(reason, null, h.name);
    else assert.match(reason ?? 'accepted', h.bad, h.name);
  }
});

test('every fixture of every format passes the probe, whatever its name says', async () => {
  const dir = tempDir();
  for (const name of readdirSync(CODECS).filter((f) => /\.(flac|opus|ogg|mp3)$/.test(f))) {
    writeFileSync(join(dir, `${name}.wav`), readFileSync(join(CODECS, name)));
    assert.equal(await probeReason(join(dir, `${name}.wav`)), null, name);
  }
});

test('a compressed file larger than the limit is refused from its size, before it is read', async () => {
  const dir = tempDir();
  const path = join(dir, 'big.flac');
  writeFileSync(path, readFileSync(join(CODECS, 'flac-8-mono16k.flac')));
  truncateSync(path, 512 * 2 ** 20 + 1); // sparse: nothing is written, and nothing may be read
  assert.equal(
    await probeReason(path),
    'too large: 536870913 bytes of compressed audio; audiogen reads at most 512 MiB per file',
  );
});

test('the probe gives a usable clip\u2019s size and modification time to the millisecond, for the input fingerprint', async () => {
  const dir = tempDir();
  const path = join(dir, 'ok.wav');
  writeFileSync(path, wav());
  // A time with a sub-millisecond part: 0.6 ms rounds up.
  utimesSync(path, 1_700_000_000.0126, 1_700_000_000.0126);
  const o = await probeClip(path);
  assert.equal(o.reason, null);
  assert.equal(o.size, statSync(path).size);
  assert.equal(o.mtimeMs, 1_700_000_000_013);
});
