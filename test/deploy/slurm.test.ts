// deploy/slurm on a real Slurm: the array job built by submit.sh/bake.sbatch, merged, gives the one-machine bytes;
// a task cancelled mid-way is named by merge, resumes when rerun alone, and the merge is then byte-identical.
// Runs only against the one-node cluster of scripts/slurm-local.sh (CI starts it before `npm test`).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { assertSameBuild, AUDIOGEN_CMD, demoConfig, NO_CLUSTER_ENV, plannedOwners, recordedShards } from './support.js';

const SLURM_LOCAL = join(ROOT, 'scripts/slurm-local.sh');
const SUBMIT = join(ROOT, 'deploy/slurm/submit.sh');
const BAKE = join(ROOT, 'deploy/slurm/bake.sbatch');
const PARTITIONS = 4;
const KILLED = 1;

function skipReason(): string | false {
  if (spawnSync('sh', ['-c', 'command -v sbatch']).status !== 0) {
    return 'no Slurm here (sbatch not found): apt-get install -y slurm-wlm munge, then scripts/slurm-local.sh start';
  }
  const status = spawnSync('bash', [SLURM_LOCAL, 'status'], { encoding: 'utf8' });
  if (status.status !== 0)
    return `the local Slurm cluster is not up (slurm-local.sh status: ${status.stdout.trim()}): run scripts/slurm-local.sh start`;
  return false;
}

/** The command the jobs run: this checkout's CLI through tsx, as the other CLI tests do. */
const AUDIOGEN = AUDIOGEN_CMD;

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, AUDIOGEN } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

interface TaskState {
  task: string;
  state: string;
  reason: string;
}

/** The state of every task of a job (one line per array task, or one for a plain job). */
function jobStates(jobId: string): TaskState[] {
  const r = spawnSync('scontrol', ['-o', 'show', 'job', jobId], { encoding: 'utf8' });
  assert.equal(r.status, 0, `scontrol show job ${jobId}: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => ({
      task: /ArrayTaskId=(\S+)/.exec(line)?.[1] ?? '',
      state: /JobState=(\S+)/.exec(line)?.[1] ?? '?',
      reason: /Reason=(\S+)/.exec(line)?.[1] ?? '',
    }));
}

const ENDED = /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)$/;

async function waitForJob(jobId: string, logs: string, timeoutSeconds = 180): Promise<TaskState[]> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const states = jobStates(jobId);
    if (states.every((s) => ENDED.test(s.state))) return states;
    if (Date.now() > deadline) {
      const queue = spawnSync('squeue', [], { encoding: 'utf8' }).stdout;
      assert.fail(
        `job ${jobId} not finished after ${timeoutSeconds} s: ${JSON.stringify(states)}\n${queue}\nlogs in ${logs}`,
      );
    }
    await sleep(250);
  }
}

function submitIds(stdout: string): { bake: string; merge: string } {
  const bake = /^bake array job: (\d+)/m.exec(stdout)?.[1];
  const merge = /^merge job: (\d+)/m.exec(stdout)?.[1];
  assert.ok(bake && merge, `submit.sh printed no job ids:\n${stdout}`);
  return { bake, merge };
}

const taskLog = (dir: string, job: string, task: number) =>
  readFileSync(join(dir, `audiogen-bake-${job}_${task}.log`), 'utf8');

/** bake.sbatch as a Slurm task would run it, with `echo` as audiogen: the command line it would run. */
function bakeCommand(env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [BAKE, '/shared/kws.yaml', '/shared/out'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AUDIOGEN: 'echo', ...env },
  });
  return { code: r.status, stdout: r.stdout.trim().split('\n').at(-1) ?? '', stderr: r.stderr };
}

test('bake.sbatch builds the partition named by the array task id, with its CPUs as --cores', () => {
  const task = {
    SLURM_ARRAY_JOB_ID: '7',
    SLURM_ARRAY_TASK_ID: '2',
    SLURM_ARRAY_TASK_MIN: '0',
    SLURM_ARRAY_TASK_MAX: '3',
    SLURM_ARRAY_TASK_COUNT: '4',
  };
  assert.deepEqual(bakeCommand({ ...task, SLURM_CPUS_PER_TASK: '3' }), {
    code: 0,
    stdout: 'build --config /shared/kws.yaml --partition 2/4 --cores 3 --out /shared/out',
    stderr: '',
  });
  // A rerun of one task (sbatch --array=2) has MIN=MAX=2 and COUNT=1: the count comes from AUDIOGEN_PARTITIONS.
  const rerun = {
    ...task,
    SLURM_ARRAY_TASK_MIN: '2',
    SLURM_ARRAY_TASK_MAX: '2',
    SLURM_ARRAY_TASK_COUNT: '1',
    AUDIOGEN_PARTITIONS: '4',
  };
  assert.equal(
    bakeCommand(rerun).stdout,
    'build --config /shared/kws.yaml --partition 2/4 --cores 1 --out /shared/out',
  );
});

test('bake.sbatch refuses an array that is not 0..N-1 without AUDIOGEN_PARTITIONS, and a job that is not an array', () => {
  const offset = bakeCommand({
    SLURM_ARRAY_TASK_ID: '2',
    SLURM_ARRAY_TASK_MIN: '1',
    SLURM_ARRAY_TASK_MAX: '4',
    SLURM_ARRAY_TASK_COUNT: '4',
  });
  assert.equal(offset.code, 2);
  assert.match(offset.stderr, /array 1-4 \(4 tasks\) is not 0..N-1: set AUDIOGEN_PARTITIONS=N/);
  const plain = bakeCommand({});
  assert.equal(plain.code, 2);
  assert.match(plain.stderr, /not an array task: submit with sbatch --array=0-N/);
});

test('submit.sh submits the array, then the merge with afterok on the array job, and prints both ids', () => {
  const dir = tempDir('audiogen-submit-');
  const calls = join(dir, 'calls');
  // A stand-in sbatch that records its arguments and answers like `sbatch --parsable` on a named cluster.
  writeFileSync(
    join(dir, 'sbatch'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> ${calls}\nn=$(wc -l < ${calls})\necho "$((100 + n));cluster"\n`,
  );
  chmodSync(join(dir, 'sbatch'), 0o755);
  writeFileSync(join(dir, 'kws.yaml'), 'dataset: {}\n');
  const r = spawnSync('bash', [SUBMIT, '-n', '8', '-c', '3', '-t', '2', 'kws.yaml', 'baked', '--', '--account=abc'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), [
    `--parsable --array=0-7%2 --export=ALL,AUDIOGEN_PARTITIONS=8 --cpus-per-task=3 --account=abc ${BAKE} ${dir}/kws.yaml ${dir}/baked`,
    `--parsable --dependency=afterok:101 --kill-on-invalid-dep=yes --account=abc ${join(ROOT, 'deploy/slurm/merge.sbatch')} ${dir}/baked`,
  ]);
  assert.match(r.stdout, /^bake array job: 101 /m);
  assert.match(r.stdout, /^merge job: 102 /m);
});

const skip = skipReason();

describe('deploy/slurm on a one-node Slurm cluster', { skip }, () => {
  let config = '';
  let reference = '';
  // Made here, not in before(): a temporary folder lives as long as the test or hook that made it.
  const work = skip ? '' : tempDir('audiogen-slurm-');

  before(() => {
    // 16 epochs of 16-sample shards: ~56 shards a partition, so a task is still busy when it is cancelled.
    config = demoConfig(work, 16);
    reference = join(work, 'one-machine');
    const r = runCli(['build', '--config', config, '--out', reference, '--cores', '2', '--quiet'], {
      env: NO_CLUSTER_ENV,
    });
    assert.equal(r.code, 0, r.stderr);
  });

  test('submit.sh runs a 4-task array and the dependent merge, giving the one-machine bytes', async () => {
    const dir = tempDir('audiogen-slurm-array-');
    const out = join(dir, 'out');
    const ids = submitIds(sh('bash', [SUBMIT, '-n', String(PARTITIONS), '-c', '1', config, out], dir));

    const tasks = await waitForJob(ids.bake, dir);
    assert.deepEqual(
      tasks.map((t) => [t.task, t.state]).sort(),
      [0, 1, 2, 3].map((i) => [String(i), 'COMPLETED']),
    );
    for (let i = 0; i < PARTITIONS; i++)
      assert.match(taskLog(dir, ids.bake, i), new RegExp(`partition ${i} of 4 on \\S+ with 1 cores`));
    const [merge] = await waitForJob(ids.merge, dir);
    assert.equal(merge.state, 'COMPLETED', readFileSync(join(dir, `audiogen-merge-${ids.merge}.log`), 'utf8'));
    assert.match(
      readFileSync(join(dir, `audiogen-merge-${ids.merge}.log`), 'utf8'),
      /merged \d+ shards from 4 partition\(s\)/,
    );
    assertSameBuild(reference, out);
  });

  test('a task cancelled mid-way: merge names its missing shards, `sbatch --array=1` resumes it, the merge is byte-identical', async () => {
    const dir = tempDir('audiogen-slurm-kill-');
    const out = join(dir, 'out');
    const ids = submitIds(sh('bash', [SUBMIT, '-n', String(PARTITIONS), '-c', '1', config, out], dir));

    // Cancel task 1 as soon as it has recorded its first finished shard.
    const log = join(out, '.audiogen', `shards-${KILLED}-of-${PARTITIONS}.jsonl`);
    const deadline = Date.now() + 120_000;
    while (recordedShards(log).length === 0) {
      assert.ok(Date.now() < deadline, `task ${KILLED} recorded no shard in 120 s (logs in ${dir})`);
      await sleep(25);
    }
    sh('scancel', [`${ids.bake}_${KILLED}`], dir);

    const tasks = await waitForJob(ids.bake, dir);
    for (const t of tasks)
      assert.equal(t.state, Number(t.task) === KILLED ? 'CANCELLED' : 'COMPLETED', `task ${t.task}`);
    // afterok can never be met: the merge job is cancelled rather than left pending.
    const [merge] = await waitForJob(ids.merge, dir);
    assert.deepEqual([merge.state, merge.reason], ['CANCELLED', 'DependencyNeverSatisfied']);
    assert.match(taskLog(dir, ids.bake, KILLED), /SIGTERM/, "audiogen got scancel's SIGTERM");

    const owned = plannedOwners(config, PARTITIONS)
      .filter((s) => s.partition === KILLED)
      .map((s) => s.x);
    const done = recordedShards(log);
    assert.ok(
      done.length >= 1 && done.length < owned.length,
      `task ${KILLED} should stop mid-way: ${done.length} of ${owned.length} shards recorded`,
    );
    const failed = runCli(['merge', out], { env: NO_CLUSTER_ENV });
    assert.equal(failed.code, 1, failed.stderr);
    const missing = [...failed.stderr.matchAll(/^audiogen:\s+(\S+): missing \((partition \d+ of \d+)\)$/gm)];
    assert.deepEqual(new Set(missing.map((m) => m[2])), new Set([`partition ${KILLED} of ${PARTITIONS}`]));
    assert.deepEqual(missing.map((m) => m[1]).sort(), owned.filter((x) => !done.includes(x)).sort());
    assert.equal(existsSync(join(out, 'manifest.json')), false);

    // The rerun is the user's: one array task with the partition's id, which resumes the finished shards.
    const rerun = sh(
      'sbatch',
      [
        '--parsable',
        `--array=${KILLED}`,
        '--cpus-per-task=1',
        `--export=ALL,AUDIOGEN_PARTITIONS=${PARTITIONS}`,
        BAKE,
        config,
        out,
      ],
      dir,
    ).trim();
    const [again] = await waitForJob(rerun, dir);
    assert.equal(again.state, 'COMPLETED', taskLog(dir, rerun, KILLED));
    assert.match(taskLog(dir, rerun, KILLED), new RegExp(`resuming: ${done.length} finished shards kept`));

    const merged = runCli(['merge', out], { env: NO_CLUSTER_ENV });
    assert.equal(merged.code, 0, merged.stderr);
    assertSameBuild(reference, out);
  });
});
