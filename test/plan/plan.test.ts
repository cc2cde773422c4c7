import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesOf, epochOrder, firstBatchIndices, shardRanges } from '../../src/plan/plan.js';

test('shards split an epoch into samples_per_shard pieces, 0 meaning one shard', () => {
  assert.deepEqual(shardRanges(10, 0), [{ start: 0, count: 10 }]);
  assert.deepEqual(shardRanges(10, 4), [
    { start: 0, count: 4 },
    { start: 4, count: 4 },
    { start: 8, count: 2 },
  ]);
  assert.deepEqual(shardRanges(10, 20), [{ start: 0, count: 10 }]);
});

test('each epoch has its own permutation, the same every time for the same seed', () => {
  const a0 = epochOrder(100, true, 1, 'training', 0);
  const a1 = epochOrder(100, true, 1, 'training', 1);
  assert.deepEqual(
    [...a0].sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.notDeepEqual(a0, a1);
  assert.deepEqual(epochOrder(100, true, 1, 'training', 0), a0);
  assert.notDeepEqual(epochOrder(100, true, 2, 'training', 0), a0);
  assert.notDeepEqual(epochOrder(100, true, 1, 'validation', 0), a0);
});

test('without shuffle the epoch keeps the listing order', () => {
  assert.deepEqual([...epochOrder(5, false, 1, 'training', 3)], [0, 1, 2, 3, 4]);
});

test('batches stay inside their shard and are numbered across the epoch', () => {
  const shards = shardRanges(10, 4);
  const first = firstBatchIndices(shards, 3);
  assert.deepEqual(first, [0, 2, 4]);
  const b = batchesOf({ subset: 'training', epoch: 0, shard: 1, ...shards[1] }, 3, first[1]);
  assert.deepEqual(
    b.map((x) => [x.batchIndex, x.start, x.count]),
    [
      [2, 4, 3],
      [3, 7, 1],
    ],
  );
});
