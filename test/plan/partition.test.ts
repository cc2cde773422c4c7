import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignShards, parsePartition, resolvePartition } from '../../src/plan/partition.js';

const resolve = (
  env: NodeJS.ProcessEnv,
  o: { flag?: string; partitions?: number; configPartitions?: number | null } = {},
) =>
  resolvePartition({ flag: o.flag, partitions: o.partitions, configPartitions: o.configPartitions ?? null, env })
    .partition;

test('each shard goes to the least loaded partition, lowest index on ties: equal shards are dealt round-robin', () => {
  assert.deepEqual(assignShards([10, 10, 10, 10, 10], 2), [0, 1, 0, 1, 0]);
  assert.deepEqual(assignShards([100, 10, 10, 10, 10], 2), [0, 1, 1, 1, 1]);
  const owners = assignShards(
    Array.from({ length: 40 }, (_, i) => (i % 7 === 6 ? 3 : 8)),
    4,
  );
  const load = [0, 0, 0, 0];
  owners.forEach((p, i) => {
    load[p] += i % 7 === 6 ? 3 : 8;
  });
  assert.ok(Math.max(...load) - Math.min(...load) <= 8, load.join());
});

test('--partition I/N wins over the scheduler variables and is checked', () => {
  assert.deepEqual(resolve({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' }, { flag: '1/4' }), {
    index: 1,
    count: 4,
  });
  assert.throws(() => parsePartition('4/4'), /partition 4 does not exist in 4/);
  assert.throws(() => parsePartition('two'), /expected I\/N/);
  assert.throws(() => resolve({}, { flag: '1/4', partitions: 3 }), /disagree on the partition count/);
});

test('a Slurm array task is its rank in the array; with --partitions N its id is the partition', () => {
  for (const [id, want] of [
    [1, 0],
    [3, 1],
    [5, 2],
    [7, 3],
  ]) {
    const env = {
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_MIN: '1',
      SLURM_ARRAY_TASK_MAX: '7',
      SLURM_ARRAY_TASK_STEP: '2',
      SLURM_ARRAY_TASK_COUNT: '4',
    };
    assert.deepEqual(resolve(env), { index: want, count: 4 });
  }
  // `sbatch --array=2` reruns partition 2 alone: Slurm then reports MIN=MAX=2, COUNT=1.
  const rerun = {
    SLURM_ARRAY_TASK_ID: '2',
    SLURM_ARRAY_TASK_MIN: '2',
    SLURM_ARRAY_TASK_MAX: '2',
    SLURM_ARRAY_TASK_COUNT: '1',
  };
  assert.deepEqual(resolve(rerun, { partitions: 4 }), { index: 2, count: 4 });
  assert.throws(() => resolve(rerun), /does not say which partition task 2 is: pass --partitions N/);
  const list = {
    SLURM_ARRAY_TASK_ID: '7',
    SLURM_ARRAY_TASK_MIN: '1',
    SLURM_ARRAY_TASK_MAX: '7',
    SLURM_ARRAY_TASK_COUNT: '3',
  };
  assert.throws(() => resolve(list), /pass --partitions N/);
});

test('a Kubernetes Indexed Job takes N from --partitions or output.partitions', () => {
  assert.deepEqual(resolve({ JOB_COMPLETION_INDEX: '2' }, { partitions: 4 }), { index: 2, count: 4 });
  assert.deepEqual(resolve({ JOB_COMPLETION_INDEX: '2' }, { configPartitions: 3 }), { index: 2, count: 3 });
  assert.throws(() => resolve({ JOB_COMPLETION_INDEX: '2' }), /pass --partitions N/);
  assert.throws(() => resolve({ JOB_COMPLETION_INDEX: '5' }, { partitions: 4 }), /partition 5 does not exist in 4/);
});

test('no flag and no scheduler: the whole build; --partitions alone is an error', () => {
  assert.deepEqual(resolve({}), { index: 0, count: 1 });
  assert.throws(() => resolve({}, { partitions: 4 }), /needs a partition index/);
});
