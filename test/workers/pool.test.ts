// The build's side of the worker processes: batches run in real forked workers with the same result as in-process,
// a worker that dies is reported with its batch and sample, and kill() leaves no process behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudiogenError, InterruptedError } from '../../src/errors.js';
import { listClassFiles } from '../../src/dataset/list.js';
import { ForkPool, InlineExecutor } from '../../src/workers/pool.js';
import { tempDir, toneWav } from '../helpers.js';
import { children, CLIPS, csvOf, gone, hooksModule, job, markedPid, SAMPLES, workContext } from './support.js';

// Each test waits on processes: a defect shows as a failure after a minute, never as a hang.
const failsWith = (pattern: RegExp) => (e: unknown) => e instanceof AudiogenError && pattern.test(e.message);

const noFile = () => null;

test('a ForkPool runs batches on worker processes, writing the same rows and index rows as in-process', {
  timeout: 60_000,
}, async () => {
  const context = workContext();
  const before = children();
  const pool = ForkPool.fork(2);
  await pool.init(context, noFile).ready;
  const workers = children().filter((p) => !before.includes(p));
  assert.equal(workers.length, 2, 'two worker processes');
  const batches = [SAMPLES.slice(0, 2), SAMPLES.slice(2, 4), SAMPLES.slice(3)];
  const forked = batches.map((files, b) => job(files, { batchIndex: b }));
  const results = await Promise.all(forked.map((j) => pool.run(j)));
  await pool.close();
  assert.ok(await gone(workers), 'close() lets the workers exit');
  // The worker found each batch's samples from its positions: the index rows name them.
  assert.deepEqual(
    results.map((r) => csvOf(r).map((line) => line.split(',').slice(0, 4).join(','))),
    [
      ['0,0,yes,yes/a_nohash_0.wav', '1,0,yes,yes/b_nohash_0.wav'],
      ['2,1,no,no/c_nohash_0.wav', '3,1,no,no/d_nohash_0.wav'],
      ['3,1,no,no/d_nohash_0.wav', '4,0,yes,'],
    ],
  );

  const inline = await InlineExecutor.start(context);
  for (const [b, files] of batches.entries()) {
    const j = job(files, { batchIndex: b });
    assert.deepEqual(await inline.run(j), results[b], `batch ${b}: index rows`);
    assert.ok(readFileSync(j.files!.xPath).equals(readFileSync(forked[b].files!.xPath)), `batch ${b}: rows`);
    assert.ok(
      readFileSync(j.files!.xPath).some((v) => v !== 0),
      'rows were written',
    );
  }
  await inline.close();
  inline.kill();
  assert.deepEqual(
    children().filter((p) => !before.includes(p)),
    [],
    'the in-process executor forks nothing',
  );
});

test('a worker killed while busy is reported with its batch and sample; the next batch names how it died', {
  timeout: 60_000,
}, async () => {
  const hooks = hooksModule(CLIPS[1], 'stall');
  const pool = ForkPool.fork(1);
  await pool.init(workContext(hooks.path), (batch, item) => SAMPLES[batch.start + item]).ready;
  const busy = pool.run(job(CLIPS.slice(0, 3), { batchIndex: 12 }));
  const pid = await markedPid(hooks.marker);
  process.kill(pid, 'SIGKILL');
  await assert.rejects(
    busy,
    failsWith(
      new RegExp(
        `^worker process ${pid} killed by SIGKILL while processing batch 12 of training epoch 0, sample yes/b_nohash_0\\.wav$`,
      ),
    ),
  );
  await assert.rejects(
    pool.run(job(CLIPS.slice(0, 1), { batchIndex: 13 })),
    failsWith(
      new RegExp(`^worker process ${pid} killed by SIGKILL between batches, before batch 13 of training epoch 0$`),
    ),
  );
  pool.kill();
});

test('kill() ends every worker at once, busy or idle; the batches they held fail', { timeout: 60_000 }, async () => {
  const hooks = hooksModule(CLIPS[0], 'stall');
  const before = children();
  const pool = ForkPool.fork(2);
  await pool.init(workContext(hooks.path), (batch, item) => SAMPLES[batch.start + item]).ready;
  const workers = children().filter((p) => !before.includes(p));
  const busy = pool.run(job(CLIPS.slice(0, 1), { batchIndex: 3 }));
  await markedPid(hooks.marker);
  pool.kill();
  await assert.rejects(
    busy,
    failsWith(
      /^worker process \d+ killed by SIGKILL while processing batch 3 of training epoch 0, sample yes\/a_nohash_0\.wav$/,
    ),
  );
  assert.ok(await gone(workers), 'no worker process is left');
});

test('a batch that fails in a worker is reported with the hook, the file and the message; the worker carries on', {
  timeout: 60_000,
}, async () => {
  const hooks = hooksModule(CLIPS[2], 'throw');
  const pool = ForkPool.fork(1);
  await pool.init(workContext(hooks.path), (batch, item) => SAMPLES[batch.start + item]).ready;
  await assert.rejects(
    pool.run(job(CLIPS.slice(1, 3))),
    failsWith(/hook preprocess .*no\/c_nohash_0\.wav.*no such luck/),
  );
  assert.equal(csvOf(await pool.run(job(CLIPS.slice(0, 1)))).length, 1);
  await pool.close();
});

test('init: the setup is sent while the worker still loads it; a worker that dies loading it fails init, saying how', {
  timeout: 60_000,
}, async () => {
  // A hooks module that stalls as it loads: the worker never gets ready.
  const path = join(tempDir(), 'hooks.mjs');
  const marker = join(tempDir(), 'marker');
  writeFileSync(
    path,
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, String(process.pid));\nfor (;;) {}\n`,
  );
  const pool = ForkPool.fork(1);
  const init = pool.init(workContext(path), noFile);
  let ready = false;
  init.ready.then(
    () => (ready = true),
    () => {},
  );
  // What the build waits for before fingerprinting the inputs: sent, though the worker is not (and never gets) ready.
  await init.sent;
  const pid = await markedPid(marker);
  assert.equal(ready, false);
  process.kill(pid, 'SIGKILL');
  await assert.rejects(init.ready, failsWith(new RegExp(`^worker process ${pid} killed by SIGKILL while starting$`)));
  pool.kill();
});

test('an abort stops a probe at once: the workers are killed and the probe rejects with InterruptedError', {
  timeout: 60_000,
}, async () => {
  // Clips whose 4 MB chunk before fmt makes every probe read the whole file: 2,000 of them take many seconds.
  const dir = tempDir();
  const slow = join(dir, 'slow.wav');
  const junk = Buffer.alloc(8 + (4 << 20));
  junk.write('JUNK', 0);
  junk.writeUInt32LE(4 << 20, 4);
  const clip = toneWav(0.01);
  const bytes = Buffer.concat([clip.subarray(0, 12), junk, clip.subarray(12)]);
  bytes.writeUInt32LE(bytes.length - 8, 4);
  writeFileSync(slow, bytes);
  const paths = Array.from({ length: 2000 }, (_, i) => {
    const p = join(dir, `slow-${i}.wav`);
    linkSync(slow, p);
    return p;
  });
  const before = children();
  const pool = ForkPool.fork(2);
  const workers = children().filter((p) => !before.includes(p));
  const controller = new AbortController();
  const probing = pool.probe(paths, controller.signal);
  await new Promise((r) => setTimeout(r, 500));
  const sent = performance.now();
  controller.abort('SIGTERM');
  await assert.rejects(probing, (e: unknown) => e instanceof InterruptedError && e.message.includes('SIGTERM'));
  assert.ok(performance.now() - sent < 1000, 'rejected at once');
  assert.ok(await gone(workers), 'the workers are gone');
  await assert.rejects(pool.probe(paths.slice(0, 1), controller.signal), InterruptedError);
});

test("a class folder is walked on a worker as listClassFiles walks it here; a folder it cannot list fails in listClassFiles's words", {
  timeout: 60_000,
}, async () => {
  const root = tempDir();
  mkdirSync(join(root, 'yes', 'sub'), { recursive: true });
  writeFileSync(join(root, 'yes', 'b.wav'), toneWav(0.1));
  writeFileSync(join(root, 'yes', 'sub', 'a.WAV'), toneWav(0.1));
  writeFileSync(join(root, 'yes', 'c.m4a'), 'not read');
  writeFileSync(join(root, 'yes', '.hidden.wav'), 'hidden');
  execFileSync('mkfifo', [join(root, 'yes', 'pipe.wav')]);
  const opts = { followLinks: false, extensions: ['.wav'] };
  const here = await listClassFiles(root, 'yes', opts);
  assert.deepEqual(here.files, ['b.wav', 'sub/a.WAV']);
  assert.equal(here.bad.length, 1);
  const pool = ForkPool.fork(2);
  try {
    assert.deepEqual(await pool.listFolder(root, 'yes', opts), here);
    const missing = await listClassFiles(root, 'no', opts).then(
      () => assert.fail('listed a missing folder'),
      (e: Error) => e.message,
    );
    await assert.rejects(
      pool.listFolder(root, 'no', opts),
      (e: unknown) => e instanceof AudiogenError && e.message === missing,
    );
  } finally {
    pool.kill();
  }
});
