// What output.format: webdataset costs the build process per sample, beside npy: encoding a batch of micro_speech
// rows (49x40x1 float32) as tar members (three 512-byte headers with checksums, the .npy header, the .cls and
// .json texts) and appending them to a tar file with its sha256, against writing the same rows at their offset
// in an .npy file (what a worker does) and hashing it. Best and median of the runs, per sample.
//
//   node --import tsx bench/webdataset.ts [runs]
import { closeSync, createReadStream, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WdsEncoder } from '../src/io/webdataset.js';
import { TarShardWriter } from '../src/io/tar-writer.js';
import { Digests } from '../src/io/seal.js';

const runs = Number(process.argv[2] ?? 20);
const BATCH = 32;
const BATCHES = 64;
const enc = new WdsEncoder('float32', [49, 40, 1]);
const rows = new Uint8Array(BATCH * enc.rowBytes);
for (let i = 0; i < rows.length; i++) rows[i] = (i * 7919) & 0xff;
const json =
  '{"position":0,"label":1,"class":"no","file":"no/en-gb-x-gbcwmd-f1_nohash_0.wav","offset":0.24859165642452952,' +
  '"speed":0.9029669440065141,"pitch":-1.1234146131680949,"vtlp":1.0,"loudness":0.8775655847859551,' +
  '"noise":"background","noise_factor":0.14578335169395037,"bg_file":"fan_44k_stereo.wav","bg_offset":12721}';
const dir = mkdtempSync(join(tmpdir(), 'audiogen-bench-wds-'));

const samplesOf = (b: number) =>
  Array.from({ length: BATCH }, (_, i) => ({
    key: `training-e000-${String(b * BATCH + i).padStart(8, '0')}`,
    label: i % 8,
    json,
  }));

async function tarShard(): Promise<void> {
  const w = new TarShardWriter(
    dir,
    { subset: 'training', epoch: 0, shard: 0, start: 0, count: BATCH * BATCHES },
    't.tar',
  );
  for (let b = 0; b < BATCHES; b++) await w.add(b * BATCH, BATCH, enc.encode(samplesOf(b), rows));
  await w.finalize(new Digests());
}

async function npyShard(): Promise<void> {
  const path = join(dir, 'x.npy');
  const fd = openSync(path, 'w');
  for (let b = 0; b < BATCHES; b++) writeSync(fd, rows, 0, rows.length, 128 + b * rows.length);
  fsyncSync(fd);
  closeSync(fd);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  hash.digest('hex');
}

async function measure(name: string, fn: () => Promise<void> | void): Promise<void> {
  for (let i = 0; i < 2; i++) await fn(); // warm-up (JIT)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(((performance.now() - t) * 1000) / (BATCH * BATCHES));
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(52)} best ${times[0].toFixed(1).padStart(5)} µs  median ${times[times.length >> 1].toFixed(1).padStart(5)} µs per sample`,
  );
}

console.log(`${BATCHES} batches of ${BATCH} rows of ${enc.rowBytes} bytes, ${runs} runs, node ${process.version}`);
await measure('encode members (tar headers, .npy, .cls, .json)', () => {
  for (let b = 0; b < BATCHES; b++) enc.encode(samplesOf(b), rows);
});
await measure('tar shard: encode, append in order, sha256, fsync', tarShard);
await measure('npy x file: rows at offsets, fsync, sha256 (re-read)', npyShard);
rmSync(dir, { recursive: true, force: true });
