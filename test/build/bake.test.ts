// The bake's start: the workers get the plan while the build goes on, and an interrupt is heard meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers } from '../../src/build/bake.js';
import type { Plan } from '../../src/plan/plan.js';
import type { PlannedShard } from '../../src/plan/shards.js';
import { ForkPool } from '../../src/workers/pool.js';
import { children, gone, workContext } from '../workers/support.js';

/** A plan of `n` samples with long names: its setup message is megabytes, far more than a pipe holds. */
function bigSetup(n: number) {
  const { config } = workContext();
  const samples = Array.from({ length: n }, (_, i) => ({
    label: i % 2,
    file: `yes/speaker-${i}-${'x'.repeat(40)}.wav`,
  }));
  const plan = { subsets: [{ subset: 'training', samples, shards: [{ start: 0, count: n }] }] } as unknown as Plan;
  const mine = [{ spec: { subset: 'training' } }] as unknown as PlannedShard[];
  return { config, plan, mine, background: [], rirs: [] };
}

test('an interrupt while the plan is on its way to a worker that does not read it kills the workers and lets the build go', {
  timeout: 60_000,
}, async () => {
  const before = children();
  const pool = ForkPool.fork(1);
  const [pid] = children().filter((p) => !before.includes(p));
  // A stopped worker reads nothing: the plan stays in the pipe, `sent` cannot settle by itself.
  process.kill(pid, 'SIGSTOP');
  const controller = new AbortController();
  const started = startWorkers(pool, bigSetup(100_000), controller.signal);
  let sent = false;
  const settled = started.sent.then(() => (sent = true));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(sent, false, 'a stopped worker has not taken a plan of megabytes');
  controller.abort('SIGINT');
  await settled;
  await assert.rejects(started.ready);
  assert.ok(await gone([pid]), 'the stopped worker was killed');
});
