// Workers forked before the CLI loads: the pool adopts them instead of forking anew, the ones nobody takes are
// killed, and the file a worker notes its progress in has no name, so nothing is left in the temporary folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, fstatSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ForkPool } from '../../src/workers/pool.js';
import { discardWorkers, forkWorker, PROGRESS_FD, prestartWorkers, takeWorker } from '../../src/workers/prestart.js';
import { alive, children, CLIPS, csvOf, gone, job, workContext } from './support.js';

// Each test waits on processes: a defect shows as a failure after a minute, never as a hang.
const T = { timeout: 60_000 };

test('the pool adopts a pre-started worker instead of forking one, and discards the others', T, async () => {
  const before = children();
  prestartWorkers(3);
  const prestarted = children().filter((p) => !before.includes(p));
  assert.equal(prestarted.length, 3);
  const pool = ForkPool.fork(1);
  await pool.init(workContext(), () => null).ready;
  assert.equal(csvOf(await pool.run(job(CLIPS.slice(0, 2)))).length, 2);
  // Of the three, one works for the pool; the two it did not take are gone, and nothing new was forked.
  const now = children().filter((p) => !before.includes(p) && alive(p));
  assert.equal(now.length, 1);
  assert.ok(prestarted.includes(now[0]), "the pool's worker is a pre-started one");
  assert.ok(await gone(prestarted.filter((p) => p !== now[0])));
  await pool.close();
  assert.ok(await gone(now));
});

test('discardWorkers kills every pre-started worker nobody took', T, async () => {
  const before = children();
  prestartWorkers(2);
  const prestarted = children().filter((p) => !before.includes(p));
  assert.equal(prestarted.length, 2);
  discardWorkers();
  assert.ok(await gone(prestarted));
  discardWorkers();
});

test('a pre-started worker that died before it was taken is not handed out: a new one is forked', T, async () => {
  const before = children();
  prestartWorkers(1);
  const [dead] = children().filter((p) => !before.includes(p));
  process.kill(dead, 'SIGKILL');
  assert.ok(await gone([dead]));
  // Let its exit event arrive, as it would long before the build takes its workers.
  await new Promise((r) => setTimeout(r, 100));
  const w = takeWorker();
  try {
    assert.notEqual(w.child.pid, dead);
    assert.ok(alive(w.child.pid!));
  } finally {
    w.child.kill('SIGKILL');
    closeSync(w.progressFd);
  }
});

test(
  'the progress file is unlinked at once: the worker has it as descriptor 4, the temporary folder has nothing',
  T,
  async () => {
    const w = forkWorker();
    try {
      const st = fstatSync(w.progressFd);
      assert.ok(st.isFile());
      assert.equal(st.nlink, 0, 'no name on disk');
      assert.deepEqual(
        readdirSync(tmpdir()).filter((n) => n.startsWith(`audiogen-progress-${process.pid}-`)),
        [],
      );
      assert.equal(PROGRESS_FD, 4);
      // The worker's descriptor 4 is the same (deleted) file.
      const target = readlinkSync(`/proc/${w.child.pid}/fd/${PROGRESS_FD}`);
      assert.match(target, new RegExp(`^${tmpdir()}/audiogen-progress-${process.pid}-[0-9a-f]{12} \\(deleted\\)$`));
    } finally {
      w.child.kill('SIGKILL');
      closeSync(w.progressFd);
    }
    assert.ok(await gone([w.child.pid!]));
  },
);
