import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoiseModule } from '../../src/wasm/generated/noise.js';
import { align16, Heap, reserve } from '../../src/wasm/heap.js';

const PAGE = 65536;
const memory = () => new NoiseModule().memory;

test('blocks start on 16-byte boundaries, one after another from the base', () => {
  const heap = new Heap(memory(), 1024);
  assert.equal(heap.alloc(5), 1024);
  assert.equal(heap.alloc(16), 1040);
  assert.equal(heap.alloc(0), 1056);
  assert.equal(heap.alloc(1), 1056);
  assert.equal(heap.alloc(3), 1072);
  assert.equal(heap.end, 1075);
  assert.throws(() => heap.alloc(-1), /cannot allocate -1 bytes/);
  assert.throws(() => heap.alloc(NaN), /cannot allocate NaN bytes/);
});

test('a base is rounded up to a whole vector; reset() lays out the same addresses again', () => {
  const heap = new Heap(memory(), 1000);
  assert.equal(heap.base, 1008);
  const first = [heap.alloc(100), heap.alloc(7), heap.alloc(33)];
  heap.reset();
  assert.deepEqual([heap.alloc(100), heap.alloc(7), heap.alloc(33)], first);
  assert.deepEqual([align16(0), align16(1), align16(16), align16(17)], [0, 16, 16, 32]);
});

test('reserve() grows the memory to hold every block, by whole pages, and never shrinks it', () => {
  const m = memory();
  const pages = m.buffer.byteLength / PAGE;
  const heap = new Heap(m, 0);
  heap.alloc(pages * PAGE);
  assert.equal(heap.reserve().byteLength, pages * PAGE, 'no growth while the blocks fit');
  heap.alloc(1);
  assert.equal(heap.reserve().byteLength, (pages + 1) * PAGE);
  heap.reset();
  heap.alloc(16);
  assert.equal(heap.reserve().byteLength, (pages + 1) * PAGE);
  assert.equal(reserve(m, 3 * PAGE + 1).byteLength, Math.max(pages + 1, 4) * PAGE);
});

test('views see the memory; floats() is one view, made anew only after the memory grew', () => {
  const heap = new Heap(memory(), 0);
  const at = heap.alloc(8);
  heap.reserve();
  heap.view(Float32Array, at, 2).set([1.5, -2]);
  const floats = heap.floats();
  assert.equal(heap.floats(), floats);
  assert.deepEqual([...floats.subarray(at / 4, at / 4 + 2)], [1.5, -2]);
  heap.alloc(floats.length * 4);
  heap.reserve();
  assert.notEqual(heap.floats(), floats);
  assert.deepEqual([...heap.floats().subarray(at / 4, at / 4 + 2)], [1.5, -2], 'growing keeps the contents');
});
