import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedLog, LogScale } from '../../src/frontend/log-scale.js';

test('computes 2^shift·ln(x) with the reference table interpolation', () => {
  // Expected: Python port of log_scale.c's Log().
  assert.deepEqual(
    [2, 3, 100, 65535, 1000000, 4294967295].map((x) => fixedLog(x, 6)),
    [44, 70, 295, 710, 884, 1420],
  );
  for (const x of [5, 77, 4096, 123456, 2 ** 31 + 5])
    assert.ok(Math.abs(fixedLog(x, 6) - 64 * Math.log(x)) < 1.5, `x = ${x}`);
});

test('wraps the scaled log in uint32 for large scale shifts, as the C code does', () => {
  // ln(2^32 - 1)·2^15 overflows 32 bits before the final >> 16.
  assert.equal(fixedLog(4294967295, 15), 5968);
});

test('applies the correction shift, maps values <= 1 to 0 and saturates at 65535', () => {
  const out = new Uint16Array(4);
  new LogScale(true, 6, 3).apply(Uint32Array.from([0, 1, 1000, 2 ** 30]), out, 0);
  // 1 << 3 = 8 > 1, so it gets a log; 2^30 << 3 wraps to 0 in uint32.
  assert.deepEqual(Array.from(out), [0, fixedLog(8, 6), fixedLog(8000, 6), 0]);
  const raw = new Uint16Array(3);
  new LogScale(false, 6, 3).apply(Uint32Array.from([7, 65535, 70000]), raw, 0);
  assert.deepEqual(Array.from(raw), [7, 65535, 65535]);
});

test('shifts right for a negative correction (FFTs shorter than 64 points)', () => {
  const out = new Uint16Array(2);
  new LogScale(true, 6, -1).apply(Uint32Array.from([3, 1000]), out, 0);
  assert.deepEqual(Array.from(out), [0, fixedLog(500, 6)]);
});
