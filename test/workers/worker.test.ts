// The worker process itself: it answers the build's messages, notes the sample it is on, ignores Ctrl-C (the build
// decides), and leaves quietly — exit 0, not a word of output — when the build disconnects or dies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { unpackProbe, type FromWorker, type ToWorker } from '../../src/workers/messages.js';
import type { WorkerSetup } from '../../src/workers/runner.js';
import { workerEntry } from '../../src/workers/prestart.js';
import { ROOT, tempDir, toneWav } from '../helpers.js';
import { alive, CLIPS, gone, job, workContext } from './support.js';

// Each test waits on processes: a defect shows as a failure after a minute, never as a hang.
const T = { timeout: 60_000 };

interface Worker {
  child: ChildProcess;
  /** Everything it wrote on stdout and stderr. */
  output: () => string;
  next: () => Promise<FromWorker>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** A worker process as the build forks it, with its output captured and, when given, `progressFd` as descriptor 4. */
function startWorker(progressFd?: number): Worker {
  const stdio = ['ignore', 'pipe', 'pipe', 'ipc', ...(progressFd === undefined ? [] : [progressFd])] as const;
  const child = fork(workerEntry, [], { serialization: 'advanced', stdio: [...stdio] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const inbox: FromWorker[] = [];
  const waiting: ((m: FromWorker) => void)[] = [];
  child.on('message', (m: FromWorker) => (waiting.length ? waiting.shift()!(m) : inbox.push(m)));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    next: () => (inbox.length ? Promise.resolve(inbox.shift()!) : new Promise((r) => waiting.push(r))),
    exited,
  };
}
const send = (w: Worker, msg: ToWorker) => w.child.send(msg);
async function ready(w: Worker, setup: WorkerSetup): Promise<void> {
  send(w, { type: 'init', setup });
  assert.equal((await w.next()).type, 'ready');
}

/** A hooks module whose preprocess takes `ms` of CPU per sample. */
function slowHooks(ms: number): string {
  const path = join(tempDir(), 'hooks.mjs');
  writeFileSync(
    path,
    `export function preprocess(x) { const t = Date.now(); while (Date.now() - t < ${ms}) {} return x; }\n`,
  );
  return path;
}

test('an idle worker whose build disconnects exits 0 without a word', T, async () => {
  const w = startWorker();
  await ready(w, workContext());
  w.child.disconnect();
  assert.deepEqual(await w.exited, { code: 0, signal: null });
  assert.equal(w.output(), '');
});

test('a worker whose build disconnects mid-batch exits 0 without a word when the batch is done', T, async () => {
  const w = startWorker();
  await ready(w, workContext(slowHooks(200)));
  send(w, { type: 'batch', id: 1, batch: job(CLIPS) });
  await new Promise((r) => setTimeout(r, 100));
  w.child.disconnect();
  assert.deepEqual(await w.exited, { code: 0, signal: null });
  assert.equal(w.output(), '');
});

test('a worker whose build is killed with -9 leaves quietly', T, async () => {
  const dir = tempDir();
  const contextFile = join(dir, 'setup.bin');
  writeFileSync(contextFile, serialize(workContext(slowHooks(100))));
  // A stand-in for the build: forks a worker as the build does, starts a batch, prints the worker's pid.
  const script = `import { forkWorker } from ${JSON.stringify(join(ROOT, 'src/workers/prestart.ts'))};
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
const { child } = forkWorker();
child.send({ type: 'init', setup: deserialize(readFileSync(${JSON.stringify(contextFile)})) });
child.on('message', (m) => {
  if (m.type !== 'ready') return;
  child.send({ type: 'batch', id: 0, batch: ${JSON.stringify(job(CLIPS))} });
  console.log(child.pid);
});`;
  // A file, not -e: the worker it forks inherits its node flags.
  writeFileSync(join(dir, 'stand-in.mjs'), script);
  const build = spawn(process.execPath, ['--import', 'tsx', join(dir, 'stand-in.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  build.stdout.on('data', (d) => (output += d));
  build.stderr.on('data', (d) => (output += d));
  // The worker writes to the same pipes: they close when it has exited too.
  const closed = new Promise((r) => build.on('close', r));
  while (!/^\d+\n/.test(output)) {
    assert.equal(build.exitCode, null, `the stand-in build ended early: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const worker = Number(output.trim());
  assert.ok(alive(worker));
  build.kill('SIGKILL');
  await closed;
  assert.ok(await gone([worker]));
  assert.equal(output, `${worker}\n`, 'the worker said nothing');
});

test('Ctrl-C (SIGINT) does not stop a worker: it goes on working until the build tells it', T, async () => {
  const w = startWorker();
  await ready(w, workContext());
  w.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(alive(w.child.pid!));
  send(w, { type: 'batch', id: 5, batch: job(CLIPS.slice(0, 1)) });
  const done = await w.next();
  assert.equal(done.type === 'batch' && done.id, 5);
  // Its CPU time on requests (µs): the build reports the workers' cost per sample from these.
  assert.ok(done.type === 'batch' && Number.isInteger(done.workUs) && done.workUs > 0);
  w.child.disconnect();
  assert.deepEqual(await w.exited, { code: 0, signal: null });
});

test('failures come back as messages with the batch id and exit code, and the worker carries on', T, async () => {
  const w = startWorker();
  send(w, { type: 'batch', id: 1, batch: job(CLIPS.slice(0, 1)) });
  const early = await w.next();
  assert.equal(early.type, 'failed');
  assert.match(early.type === 'failed' ? early.message : '', /worker received a batch before its setup/);
  w.child.disconnect();
  await w.exited;
  // A hooks module that does not load: the worker is ready anyway, and says why at the first batch.
  const broken = join(tempDir(), 'hooks.mjs');
  writeFileSync(broken, 'throw new Error("cannot load me");\n');
  const v = startWorker();
  await ready(v, workContext(broken));
  send(v, { type: 'batch', id: 2, batch: job(CLIPS.slice(0, 1)) });
  const failed = await v.next();
  assert.deepEqual(failed.type === 'failed' && [failed.id, failed.exitCode], [2, 1]);
  assert.match(
    failed.type === 'failed' ? failed.message : '',
    new RegExp(`^hooks: cannot load ${broken}: cannot load me$`),
  );
  send(v, { type: 'batch', id: 3, batch: job(CLIPS.slice(0, 1)) });
  assert.equal((await v.next()).type, 'failed', 'still there, still failing the same way');
  v.child.disconnect();
  assert.deepEqual(await v.exited, { code: 0, signal: null });
  assert.equal(v.output(), '');
});

test('before each sample the worker notes the batch id and item at the start of descriptor 4', T, async () => {
  const file = join(tempDir(), 'progress');
  const fd = openSync(file, 'w+');
  try {
    const w = startWorker(fd);
    await ready(w, workContext());
    send(w, { type: 'batch', id: 7, batch: job(CLIPS.slice(0, 3)) });
    assert.equal((await w.next()).type, 'batch');
    const b = Buffer.alloc(8);
    assert.equal(readSync(fd, b, 0, 8, 0), 8);
    assert.deepEqual([b.readInt32LE(0), b.readInt32LE(4)], [7, 2], 'batch 7, its last item');
    w.child.disconnect();
    await w.exited;
  } finally {
    closeSync(fd);
  }
});

test(
  'a worker probes clips before any setup: sizes and times of each, the reasons of the bad ones by index',
  T,
  async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'good.wav'), toneWav(0.25, 16000, 440));
    writeFileSync(join(dir, 'bad.wav'), 'not audio at all');
    const paths = [join(dir, 'good.wav'), join(dir, 'missing.wav'), join(dir, 'bad.wav')];
    const w = startWorker();
    send(w, { type: 'probe', id: 4, paths });
    const msg = await w.next();
    assert.equal(msg.type === 'probe' && msg.id, 4);
    const outcomes = msg.type === 'probe' ? unpackProbe(msg.probed) : [];
    const st = statSync(paths[0]);
    assert.deepEqual(outcomes[0], { reason: null, size: st.size, mtimeMs: Math.round(st.mtimeMs) });
    assert.equal(outcomes[1].reason, 'cannot read (ENOENT)');
    assert.match(outcomes[2].reason ?? '', /RIFF|WAV|audio/);
    w.child.disconnect();
    assert.deepEqual(await w.exited, { code: 0, signal: null });
  },
);

test('a worker seals files: their sizes and sha256, or the file it cannot read', T, async () => {
  const dir = tempDir();
  const bytes = Buffer.from('x'.repeat(100_000));
  writeFileSync(join(dir, 'a.partial'), bytes);
  writeFileSync(join(dir, 'b.partial'), '');
  const w = startWorker();
  send(w, { type: 'seal', id: 9, paths: [join(dir, 'a.partial'), join(dir, 'b.partial')] });
  const sealed = await w.next();
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.deepEqual(sealed.type === 'seal' && sealed.sealed, [
    { bytes: 100_000, sha256: sha(bytes) },
    { bytes: 0, sha256: sha(Buffer.alloc(0)) },
  ]);
  send(w, { type: 'seal', id: 10, paths: [join(dir, 'gone.partial')] });
  const failed = await w.next();
  assert.deepEqual(failed.type === 'failed' && [failed.id, failed.exitCode], [10, 1]);
  assert.match(failed.type === 'failed' ? failed.message : '', /gone\.partial/);
  w.child.disconnect();
  await w.exited;
});
