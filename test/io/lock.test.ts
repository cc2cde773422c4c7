// One build per (output, partition): a lock created with O_EXCL naming its holder. A holder that is certainly gone
// (dead or reused PID on this host, an earlier run of the same Slurm job) is taken over; anything else is refused.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AudiogenError, InterruptedError } from '../../src/errors.js';
import { isLockFile, OutputLock, type LockHolder } from '../../src/io/lock.js';
import { ROOT, tempDir } from '../helpers.js';

// This file decides which Slurm job it runs in.
delete process.env.SLURM_JOB_ID;
delete process.env.SLURM_RESTART_COUNT;

const WHOLE = { index: 0, count: 1 };
const lockPath = (out: string, index = 0, count = 1) => join(out, '.audiogen', `lock-${index}-of-${count}.json`);
/** Field 22 of /proc/PID/stat: the process's start time in clock ticks since boot. */
const startOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
};
const holder = (h: Partial<LockHolder>): LockHolder => ({
  host: hostname(),
  pid: 1,
  start: null,
  slurm_job: null,
  slurm_restart: 0,
  ...h,
});
/** An output folder whose partition lock is already held by `h`. */
function heldBy(h: LockHolder, index = 0, count = 1): string {
  const out = tempDir();
  const path = lockPath(out, index, count);
  mkdirSync(join(out, '.audiogen'), { recursive: true });
  writeFileSync(path, JSON.stringify(h) + '\n');
  return out;
}
const refused =
  (out: string, h: Pick<LockHolder, 'host' | 'pid'>, path = lockPath(out), extra = '') =>
  (e: unknown) =>
    e instanceof AudiogenError &&
    e.message.startsWith(
      `${out} is being built by another audiogen (host ${h.host}, pid ${h.pid}${extra}; lock ${path}): wait for it (--wait)`,
    ) &&
    e.message.includes('If that build is gone (a machine that died), delete the lock file and rerun.');

/** A process of this host that stays alive while the tests run. */
const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
after(() => sleeper.kill('SIGKILL'));
/** A PID that no process has now. */
const deadPid = spawnSync('true').pid!;

test('acquire creates the lock (and .audiogen/) holding host, pid and start time; release removes it', async () => {
  const out = tempDir();
  const lock = await OutputLock.acquire(out, WHOLE);
  assert.equal(lock.path, lockPath(out));
  assert.deepEqual(JSON.parse(readFileSync(lock.path, 'utf8')), {
    host: hostname(),
    pid: process.pid,
    start: startOf(process.pid),
    slurm_job: null,
    slurm_restart: 0,
  });
  lock.release();
  assert.equal(existsSync(lock.path), false);
  lock.release();
  assert.ok(
    isLockFile('lock-3-of-8.json') && !isLockFile('shards-0-of-1.jsonl') && !isLockFile('lock-0-of-1.json.partial'),
  );
});

test("a second acquire fails naming the holder's host and pid, and leaves its lock as it was", async () => {
  const live = holder({ pid: sleeper.pid!, start: startOf(sleeper.pid!) });
  const out = heldBy(live);
  const before = readFileSync(lockPath(out), 'utf8');
  await assert.rejects(OutputLock.acquire(out, WHOLE), refused(out, live));
  assert.equal(readFileSync(lockPath(out), 'utf8'), before);
  // The same process twice is no exception.
  const other = tempDir();
  const lock = await OutputLock.acquire(other, WHOLE);
  await assert.rejects(OutputLock.acquire(other, WHOLE), refused(other, { host: hostname(), pid: process.pid }));
  lock.release();
});

test('with wait, acquire waits until the holder releases, saying once that it waits; a signal stops the wait', async () => {
  const out = tempDir();
  const first = await OutputLock.acquire(out, WHOLE);
  const notes: string[] = [];
  let taken = false;
  const second = OutputLock.acquire(out, WHOLE, { wait: true, note: (m) => notes.push(m) }).then((l) => {
    taken = true;
    return l;
  });
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(taken, false, 'still waiting while the lock is held');
  first.release();
  const lock = await second;
  assert.deepEqual(notes, [
    `waiting for the build holding ${lockPath(out)} (host ${hostname()}, pid ${process.pid}) to finish…`,
  ]);
  const stop = new AbortController();
  const third = OutputLock.acquire(out, WHOLE, { wait: true, signal: stop.signal });
  setTimeout(() => stop.abort('SIGTERM'), 300);
  await assert.rejects(
    third,
    (e: unknown) => e instanceof InterruptedError && /interrupted by SIGTERM/.test(e.message),
  );
  lock.release();
});

test('a lock whose process is gone (dead PID on this host) is taken over with a note', async () => {
  const out = heldBy(holder({ pid: deadPid, start: 12345 }));
  const notes: string[] = [];
  const lock = await OutputLock.acquire(out, WHOLE, { note: (m) => notes.push(m) });
  assert.deepEqual(notes, [
    `removing the stale lock ${lockPath(out)} (host ${hostname()}, pid ${deadPid}: no longer running)`,
  ]);
  assert.equal(JSON.parse(readFileSync(lockPath(out), 'utf8')).pid, process.pid);
  lock.release();
});

test('a live PID is the holder only if its start time matches: a reused PID is stale, an unknown start time is not', async () => {
  const pid = sleeper.pid!;
  const reused = heldBy(holder({ pid, start: startOf(pid) + 1 }));
  (await OutputLock.acquire(reused, WHOLE)).release();
  for (const start of [startOf(pid), null]) {
    const out = heldBy(holder({ pid, start }));
    await assert.rejects(OutputLock.acquire(out, WHOLE), refused(out, { host: hostname(), pid }));
  }
});

test('an earlier run of the same Slurm job (a requeue) is stale on any host; a run of another job or the same run is not', async (t) => {
  t.after(() => {
    delete process.env.SLURM_JOB_ID;
    delete process.env.SLURM_RESTART_COUNT;
  });
  process.env.SLURM_JOB_ID = '77';
  process.env.SLURM_RESTART_COUNT = '1';
  const earlier = heldBy(holder({ host: 'node-that-died', pid: 4242, slurm_job: '77', slurm_restart: 0 }));
  const lock = await OutputLock.acquire(earlier, WHOLE);
  assert.deepEqual(JSON.parse(readFileSync(lock.path, 'utf8')).slurm_job, '77');
  assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).slurm_restart, 1);
  lock.release();
  for (const h of [
    holder({ host: 'n2', pid: 4242, slurm_job: '77', slurm_restart: 1 }),
    holder({ host: 'n2', pid: 4242, slurm_job: '78', slurm_restart: 0 }),
  ]) {
    const out = heldBy(h);
    await assert.rejects(OutputLock.acquire(out, WHOLE), refused(out, h, lockPath(out), `, Slurm job ${h.slurm_job}`));
  }
});

test('a lock from another host cannot be checked: refused, even with a PID that is free here', async () => {
  const h = holder({ host: 'elsewhere', pid: deadPid });
  const out = heldBy(h);
  await assert.rejects(OutputLock.acquire(out, WHOLE), refused(out, h));
  assert.ok(existsSync(lockPath(out)));
});

test('a lock file nobody can read is refused as such and left alone', async () => {
  const out = tempDir();
  mkdirSync(join(out, '.audiogen'), { recursive: true });
  writeFileSync(lockPath(out), '{"host": ');
  await assert.rejects(
    OutputLock.acquire(out, WHOLE),
    (e: unknown) => e instanceof AudiogenError && e.message.includes('(a holder that left no readable record; lock '),
  );
  assert.equal(readFileSync(lockPath(out), 'utf8'), '{"host": ');
});

test('partitions of one count run side by side; another count conflicts (and leaves no lock of its own), unless stale', async () => {
  const out = tempDir();
  const a = await OutputLock.acquire(out, { index: 0, count: 2 });
  const b = await OutputLock.acquire(out, { index: 1, count: 2 });
  for (const other of [WHOLE, { index: 0, count: 3 }]) {
    await assert.rejects(
      OutputLock.acquire(out, other),
      (e: unknown) => e instanceof AudiogenError && /; lock \S+\/lock-[01]-of-2\.json\)/.test(e.message),
    );
  }
  assert.deepEqual(readdirSync(join(out, '.audiogen')).sort(), ['lock-0-of-2.json', 'lock-1-of-2.json']);
  a.release();
  b.release();
  const stale = heldBy(holder({ pid: deadPid }), 1, 4);
  const whole = await OutputLock.acquire(stale, WHOLE);
  assert.deepEqual(
    readdirSync(join(stale, '.audiogen')),
    ['lock-0-of-1.json'],
    'the stale lock of 4 partitions was removed',
  );
  whole.release();
});

test("release removes the lock only while it is still this process's", async () => {
  const out = tempDir();
  const lock = await OutputLock.acquire(out, WHOLE);
  const taker = JSON.stringify(holder({ host: 'elsewhere', pid: 99 }));
  writeFileSync(lock.path, taker);
  lock.release();
  assert.equal(readFileSync(lock.path, 'utf8'), taker);
});

test('a process that exits without releasing its lock removes it on the way out', () => {
  const out = tempDir();
  const script = `import { OutputLock } from ${JSON.stringify(join(ROOT, 'src/io/lock.ts'))};
await OutputLock.acquire(${JSON.stringify(out)}, { index: 0, count: 1 });
process.exit(3);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 3, r.stderr);
  assert.deepEqual(readdirSync(join(out, '.audiogen')), []);
});
