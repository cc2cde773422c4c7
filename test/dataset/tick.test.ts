// tick(): a listing's loops stay responsive; it yields to the event loop about every 10 ms of work and stops the
// listing with InterruptedError once its signal is aborted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noTick, ticker } from '../../src/dataset/tick.js';
import { InterruptedError } from '../../src/errors.js';

/** Busy work for `ms` milliseconds (no yielding). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test('within a 10 ms slice tick() returns at once; past it, a promise that yields one event-loop turn', async () => {
  const tick = ticker();
  // A thousand calls take far less than a slice: at most one yield per 10 ms that passed (a busy machine may pause us).
  const started = performance.now();
  let yields = 0;
  for (let i = 0; i < 1000; i++) if (tick() !== undefined) yields++;
  assert.ok(yields <= Math.floor((performance.now() - started) / 10) + 1, `${yields} yields`);
  busy(15);
  let turned = false;
  setImmediate(() => (turned = true));
  const pending = tick();
  assert.ok(pending instanceof Promise);
  assert.equal(turned, false);
  await pending;
  assert.equal(turned, true, 'the event loop ran (a SIGINT handler would have)');
});

test('an aborted signal stops the next tick with InterruptedError naming the signal', () => {
  const controller = new AbortController();
  const tick = ticker(controller.signal);
  assert.equal(tick(), undefined);
  controller.abort('SIGTERM');
  assert.throws(
    () => tick(),
    (err: unknown) =>
      err instanceof InterruptedError &&
      err.message === 'interrupted by SIGTERM: finished shards are kept, rerun the same command to resume',
  );
  const unnamed = new AbortController();
  unnamed.abort();
  assert.throws(() => ticker(unnamed.signal)(), /interrupted by AbortError/);
});

test('a signal aborted while tick() yields rejects that tick', async () => {
  const controller = new AbortController();
  const tick = ticker(controller.signal);
  busy(15);
  const pending = tick();
  assert.ok(pending instanceof Promise);
  controller.abort('SIGINT');
  await assert.rejects(
    pending,
    (err: unknown) => err instanceof InterruptedError && /interrupted by SIGINT/.test(err.message),
  );
});

test('noTick never yields', () => {
  busy(15);
  assert.equal(noTick(), undefined);
});
