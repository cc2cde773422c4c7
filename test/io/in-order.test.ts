// Chunks that finish in any order are written in sequence, each add() settling once its chunk is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InOrder } from '../../src/io/in-order.js';

const bytes = (...v: number[]) => new Uint8Array(v);

test('chunks added in any order are written in sequence; each settles only once it is written', async () => {
  const written: number[][] = [];
  const order = new InOrder(10, (b) => {
    written.push([...b]);
  });
  const settled: number[] = [];
  const c = order.add(15, 1, bytes(15)).then(() => settled.push(15));
  const b = order.add(12, 3, bytes(12, 13, 14)).then(() => settled.push(12));
  await new Promise((r) => setImmediate(r));
  assert.equal(written.length, 0, 'nothing before chunk 10');
  assert.equal(settled.length, 0, 'none settled');
  assert.equal(order.held, 2);
  const a = order.add(10, 2, bytes(10, 11)).then(() => settled.push(10));
  await Promise.all([a, b, c]);
  assert.deepEqual(written, [[10, 11], [12, 13, 14], [15]]);
  assert.deepEqual(settled, [10, 12, 15]);
  assert.equal(order.position, 16);
  assert.equal(order.held, 0);
});

test('a slow sink holds back the next chunk: one write at a time, in order', async () => {
  const log: string[] = [];
  let release!: () => void;
  const order = new InOrder(0, async (b) => {
    log.push(`start ${b[0]}`);
    if (b[0] === 0) await new Promise<void>((r) => (release = r));
    log.push(`end ${b[0]}`);
  });
  const first = order.add(0, 1, bytes(0));
  const second = order.add(1, 1, bytes(1));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['start 0']);
  release();
  await Promise.all([first, second]);
  assert.deepEqual(log, ['start 0', 'end 0', 'start 1', 'end 1']);
});

test('a failed write rejects that chunk, every chunk waiting and every later one', async () => {
  const order = new InOrder(0, (b) => {
    if (b[0] === 1) throw new Error('disk full');
  });
  await order.add(0, 1, bytes(0));
  const waiting = order.add(2, 1, bytes(2));
  await assert.rejects(order.add(1, 1, bytes(1)), /disk full/);
  await assert.rejects(waiting, /disk full/);
  await assert.rejects(order.add(3, 1, bytes(3)), /disk full/);
});

test('fail() releases a write stuck on its sink and every chunk waiting; a chunk given twice is refused', async () => {
  const order = new InOrder(0, () => new Promise<void>(() => {}));
  const stuck = order.add(0, 1, bytes(0));
  const later = order.add(1, 1, bytes(1));
  await assert.rejects(order.add(1, 1, bytes(1)), /chunk 1 given twice/);
  order.fail(new Error('abandoned'));
  await assert.rejects(stuck, /abandoned/);
  await assert.rejects(later, /abandoned/);
});
