// The names audiogen gives its files, and the only names it treats as its own (to delete or overwrite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLayoutFolder, isShardPath, shardFiles, shardId, shardPaths } from '../../src/io/layout.js';

test('shard files: three-digit epochs always; shard numbers as wide as the epoch needs, at least three digits', () => {
  assert.deepEqual(shardFiles('training', 0, 0, 1), {
    x: 'training/epoch-000/x-000.npy',
    y: 'training/epoch-000/y-000.npy',
    index: 'training/epoch-000/index-000.csv',
  });
  assert.equal(shardFiles('validation', 42, 7, 1000).x, 'validation/epoch-042/x-007.npy');
  assert.equal(shardFiles('training', 999, 1000, 1001).x, 'training/epoch-999/x-1000.npy');
  assert.equal(shardFiles('training', 3, 5, 12345).index, 'training/epoch-003/index-00005.csv');
  // Past 999 epochs the number simply grows (no renaming of the earlier ones).
  assert.equal(shardFiles('training', 1000, 0, 1).x, 'training/epoch-1000/x-000.npy');
});

test('webdataset shards are one tar each, named by the same rules', () => {
  assert.deepEqual(shardFiles('training', 0, 0, 1, 'webdataset'), { tar: 'training/epoch-000/shard-000.tar' });
  assert.equal(shardFiles('testing', 3, 5, 12345, 'webdataset').tar, 'testing/epoch-003/shard-00005.tar');
  assert.deepEqual(shardFiles('training', 0, 0, 1, 'npy'), shardFiles('training', 0, 0, 1));
  const tar = shardFiles('validation', 1, 2, 3, 'webdataset');
  assert.equal(shardId(tar), tar.tar);
  assert.deepEqual(shardPaths(tar), [tar.tar]);
  const npy = shardFiles('validation', 1, 2, 3);
  assert.equal(shardId(npy), npy.x);
  assert.deepEqual(shardPaths(npy), [npy.x, npy.y, npy.index]);
});

test('every name shardFiles gives is a shard path', () => {
  for (const subset of ['training', 'validation', 'testing'] as const) {
    for (const [epoch, shard, shards] of [
      [0, 0, 1],
      [12, 999, 1000],
      [999, 1234, 5000],
    ]) {
      const f = shardFiles(subset, epoch, shard, shards);
      for (const p of [f.x, f.y, f.index]) assert.ok(isShardPath(p), p);
      const t = shardFiles(subset, epoch, shard, shards, 'webdataset');
      assert.ok(isShardPath(t.tar), t.tar);
    }
  }
});

test('isShardPath refuses `..`, absolute paths, other subsets, other names and near misses', () => {
  for (const p of [
    '../training/epoch-000/x-000.npy',
    'training/../../etc/passwd',
    'training/epoch-000/../x-000.npy',
    '/training/epoch-000/x-000.npy',
    '/etc/passwd',
    'test/epoch-000/x-000.npy',
    'Testing/epoch-000/x-000.npy',
    'training/epoch-00/x-000.npy',
    'training/epoch-000/x-00.npy',
    'training/epoch-000/z-000.npy',
    'training/epoch-000/x-000.npy.partial',
    'training/epoch-000/index-000.npy',
    'training/epoch-000/x-000.csv',
    'training/epoch-000/shard-000.tar.partial',
    'training/epoch-000/shard-00.tar',
    'training/epoch-000/shard-000.npy',
    'training/epoch-000/x-000.tar',
    'training/epoch-000/notes.txt',
    'training/epoch-000/sub/x-000.npy',
    'training/x-000.npy',
    'training/epoch-000/x-000.npy\n',
    'manifest.json',
    '',
  ]) {
    assert.equal(isShardPath(p), false, JSON.stringify(p));
  }
});

test('isLayoutFolder: subset and epoch folders only', () => {
  for (const p of ['training', 'validation', 'testing', 'training/epoch-000', 'testing/epoch-1234'])
    assert.equal(isLayoutFolder(p), true, p);
  for (const p of [
    '.audiogen',
    'test',
    'training/epoch-00',
    'training/epoch-000/x',
    'training/epoch-abc',
    '../training',
    '/training',
    'training/',
    'epoch-000',
    '',
  ]) {
    assert.equal(isLayoutFolder(p), false, JSON.stringify(p));
  }
});
