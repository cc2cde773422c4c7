// Partitions: the shards of a build split among N independent jobs (Slurm array tasks, Kubernetes Indexed Job
// pods, CI matrix jobs). The unit of work is the shard; the owner of each shard follows from the plan alone.
import { AudiogenError, EXIT } from '../errors.js';
import type { Partition } from '../io/layout.js';

export const WHOLE: Partition = { index: 0, count: 1 };

/**
 * The owner of each shard (given in canonical order: epoch, subset, shard number): each shard goes to the
 * partition with the fewest samples so far, the lowest index on ties. Equal shards are dealt round-robin.
 */
export function assignShards(shardSizes: readonly number[], count: number): number[] {
  const load = new Array<number>(count).fill(0);
  return shardSizes.map((size) => {
    let best = 0;
    for (let p = 1; p < count; p++) if (load[p] < load[best]) best = p;
    load[best] += size;
    return best;
  });
}

const usage = (msg: string) => new AudiogenError(msg, EXIT.config);

function integer(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) throw usage(`${what}: expected a non-negative integer, got "${value}"`);
  return Number(value);
}

/** Parses `I/N` (0-based I). */
export function parsePartition(text: string): Partition {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw usage(`--partition: expected I/N (for example 0/4), got "${text}"`);
  const p = { index: Number(m[1]), count: Number(m[2]) };
  return checked(p, '--partition');
}

function checked(p: Partition, source: string): Partition {
  if (p.count < 1) throw usage(`${source}: the partition count must be at least 1, got ${p.count}`);
  if (p.index >= p.count)
    throw usage(`${source}: partition ${p.index} does not exist in ${p.count} (0-based: 0..${p.count - 1})`);
  return p;
}

/**
 * Which partition this process builds. Precedence: --partition I/N, then a Slurm array task (with --partitions N:
 * SLURM_ARRAY_TASK_ID of N; else (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / STEP of SLURM_ARRAY_TASK_COUNT),
 * then a Kubernetes Indexed Job (JOB_COMPLETION_INDEX of --partitions N, else output.partitions), else the whole build.
 */
export function resolvePartition(opts: {
  flag?: string;
  partitions?: number;
  configPartitions: number | null;
  env: NodeJS.ProcessEnv;
}): { partition: Partition; source: string } {
  const { flag, partitions, configPartitions, env } = opts;
  if (flag !== undefined) {
    const p = parsePartition(flag);
    if (partitions !== undefined && partitions !== p.count)
      throw usage(`--partition ${flag} and --partitions ${partitions} disagree on the partition count`);
    return { partition: p, source: '--partition' };
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '') {
    const id = integer(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
    // With --partitions N the array id is the partition number, so `sbatch --array=2` reruns partition 2 alone.
    if (partitions !== undefined)
      return {
        partition: checked({ index: id, count: partitions }, 'Slurm array task (id = partition)'),
        source: 'Slurm array task',
      };
    const min = env.SLURM_ARRAY_TASK_MIN ? integer(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN') : 0;
    const max = env.SLURM_ARRAY_TASK_MAX ? integer(env.SLURM_ARRAY_TASK_MAX, 'SLURM_ARRAY_TASK_MAX') : undefined;
    const step = env.SLURM_ARRAY_TASK_STEP
      ? Math.max(1, integer(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP'))
      : 1;
    const count = env.SLURM_ARRAY_TASK_COUNT
      ? integer(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT')
      : undefined;
    if (count === undefined)
      throw usage('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: pass --partitions N');
    // Without --partitions the task's rank in an evenly stepped array is its partition (--array=1-4, 0-6:2);
    // a one-task rerun or an id list (1,3,7) cannot tell its rank, so it must say N.
    if (count === 1 || (max !== undefined && Math.floor((max - min) / step) + 1 !== count)) {
      throw usage(
        `this Slurm array (ids ${min}..${max ?? '?'}, ${count} task(s)) does not say which partition task ${id} is: pass --partitions N, and the array id is the partition number`,
      );
    }
    return {
      partition: checked({ index: Math.floor((id - min) / step), count }, 'Slurm array task'),
      source: 'Slurm array task',
    };
  }
  if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') {
    const index = integer(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX');
    const count = partitions ?? configPartitions;
    if (!count)
      throw usage("JOB_COMPLETION_INDEX is set: pass --partitions N (the Job's completions) or set output.partitions");
    return { partition: checked({ index, count }, 'Kubernetes Indexed Job'), source: 'Kubernetes Indexed Job' };
  }
  if (partitions !== undefined && partitions !== 1) {
    throw usage(
      `--partitions ${partitions} needs a partition index: --partition I/${partitions}, or a Slurm array / Indexed Job`,
    );
  }
  return { partition: WHOLE, source: 'whole build' };
}
