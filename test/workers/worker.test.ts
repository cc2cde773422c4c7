// The worker process itself: it answers the build's messages, notes the sample it is on, ignores Ctrl-C (the build
// decides), and leaves quietly — exit 0, not a word of output — when the build disconnects or dies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkContext } from '../../src/sample/batch.js';
import type { FromWorker, ToWorker } from '../../src/workers/messages.js';
import { workerEntry } from '../../src/workers/prestart.js';
import { ROOT, tempDir } from '../helpers.js';
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
async function ready(w: Worker, context: WorkContext): Promise<void> {
  send(w, { type: 'init', context });
  const msg = await w.next();
  assert.equal(msg.type, 'ready');
  // Its CPU time so far (µs): the build reports the workers' cost per sample from these.
  assert.ok(msg.type === 'ready' && Number.isInteger(msg.cpuUs) && msg.cpuUs > 0);
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
  send(w, { type: 'batch', id: 1, job: job(CLIPS) });
  await new Promise((r) => setTimeout(r, 100));
  w.child.disconnect();
  assert.deepEqual(await w.exited, { code: 0, signal: null });
  assert.equal(w.output(), '');
});

test('a worker whose build is killed with -9 leaves quietly', T, async () => {
  const dir = tempDir();
  const contextFile = join(dir, 'context.json');
  writeFileSync(contextFile, JSON.stringify(workContext(slowHooks(100))));
  // A stand-in for the build: forks a worker as the build does, starts a batch, prints the worker's pid.
  const script = `import { forkWorker } from ${JSON.stringify(join(ROOT, 'src/workers/prestart.ts'))};
import { readFileSync } from 'node:fs';
const { child } = forkWorker();
child.send({ type: 'init', context: JSON.parse(readFileSync(${JSON.stringify(contextFile)}, 'utf8')) });
child.on('message', (m) => {
  if (m.type !== 'ready') return;
  child.send({ type: 'batch', id: 0, job: ${JSON.stringify(job(CLIPS))} });
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
  send(w, { type: 'batch', id: 5, job: job(CLIPS.slice(0, 1)) });
  const done = await w.next();
  assert.equal(done.type === 'done' && done.id, 5);
  w.child.disconnect();
  assert.deepEqual(await w.exited, { code: 0, signal: null });
});

test('failures come back as messages with the batch id and exit code, and the worker carries on', T, async () => {
  const w = startWorker();
  send(w, { type: 'batch', id: 1, job: job(CLIPS.slice(0, 1)) });
  const early = await w.next();
  assert.equal(early.type, 'failed');
  assert.match(early.type === 'failed' ? early.message : '', /worker received a batch before its config/);
  w.child.disconnect();
  await w.exited;
  // A hooks module that does not load: the worker is ready anyway, and says why at the first batch.
  const broken = join(tempDir(), 'hooks.mjs');
  writeFileSync(broken, 'throw new Error("cannot load me");\n');
  const v = startWorker();
  await ready(v, workContext(broken));
  send(v, { type: 'batch', id: 2, job: job(CLIPS.slice(0, 1)) });
  const failed = await v.next();
  assert.deepEqual(failed.type === 'failed' && [failed.id, failed.exitCode], [2, 1]);
  assert.match(
    failed.type === 'failed' ? failed.message : '',
    new RegExp(`^hooks: cannot load ${broken}: cannot load me$`),
  );
  send(v, { type: 'batch', id: 3, job: job(CLIPS.slice(0, 1)) });
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
    send(w, { type: 'batch', id: 7, job: job(CLIPS.slice(0, 3)) });
    assert.equal((await w.next()).type, 'done');
    const b = Buffer.alloc(8);
    assert.equal(readSync(fd, b, 0, 8, 0), 8);
    assert.deepEqual([b.readInt32LE(0), b.readInt32LE(4)], [7, 2], 'batch 7, its last item');
    w.child.disconnect();
    await w.exited;
  } finally {
    closeSync(fd);
  }
});
