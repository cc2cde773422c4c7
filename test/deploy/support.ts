// Shared by the deploy tests: the demo config, running the CLI as a cluster would (concurrently, with its
// variables), and comparing a merged partitioned build with a one-machine build, file by file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, DEMO_DATASET, ROOT, runCli, writeConfig, type CliResult } from '../helpers.js';

/** The shipped CLI of this checkout, as one command line (what AUDIOGEN or `audiogen` stands for). */
export const AUDIOGEN_CMD = `${process.execPath} ${BIN}`;

/**
 * The demo dataset baked as raw audio: 7 classes with a validation split, 16-sample shards (14 shards an epoch).
 * Half-second clips at 8 kHz keep the files small; the band limit keeps the config valid for the frontend.
 */
export function demoConfig(dir: string, epochs: number): string {
  return writeConfig(dir, {
    dataset: {
      directory: DEMO_DATASET,
      classes: ['yes', 'no', 'up', 'down', 'left', 'right', '_unknown_'],
      batch_size: 8,
    },
    generator: {
      // Raw audio until the spectrogram frontend lands: drop this key then (the rest is valid for both).
      frontend_enabled: false,
      validation_split: 0.2,
    },
    frontend: { sample_rate_hz: 8000, sample_length_ms: 500, filterbank_upper_band_limit: 3800 },
    output: { directory: 'out', epochs, samples_per_shard: 16 },
  });
}

/** Runs `audiogen ...args` in the background (partitions run side by side, as pods or array tasks do). */
export function runCliAsync(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const [node, ...pre] = AUDIOGEN_CMD.split(' ');
  return runAsync(node, [...pre, ...args], opts);
}

export function runAsync(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Environment without any partition variable of the machine running the tests. */
export const NO_CLUSTER_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  [
    'SLURM_ARRAY_TASK_ID',
    'SLURM_ARRAY_TASK_MIN',
    'SLURM_ARRAY_TASK_MAX',
    'SLURM_ARRAY_TASK_STEP',
    'SLURM_ARRAY_TASK_COUNT',
    'JOB_COMPLETION_INDEX',
  ].map((k) => [k, undefined]),
);

/** Every file under `dir` (relative paths, sorted), without the per-partition build records in .audiogen/. */
export function outputFiles(dir: string, rel = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (path !== '.audiogen') files.push(...outputFiles(dir, path));
    } else files.push(path);
  }
  return files.sort();
}

/** The same files with the same bytes: shards, index CSVs, classes.txt and manifest.json. */
export function assertSameBuild(reference: string, candidate: string): void {
  const want = outputFiles(reference);
  assert.ok(want.includes('manifest.json') && want.some((f) => f.endsWith('.npy')), `${reference} holds no build`);
  assert.deepEqual(outputFiles(candidate), want, `${candidate} holds other files than ${reference}`);
  const differ = want.filter((f) => !readFileSync(join(reference, f)).equals(readFileSync(join(candidate, f))));
  assert.deepEqual(differ, [], `files whose bytes differ from the one-machine build`);
}

/** The x paths a partition's record lists as finished (a torn last line is not a shard). */
export function recordedShards(stateLog: string): string[] {
  if (!existsSync(stateLog)) return [];
  const shards: string[] = [];
  for (const line of readFileSync(stateLog, 'utf8').split('\n')) {
    try {
      const value = JSON.parse(line) as { kind?: string; x?: { path: string } };
      if (value.x) shards.push(value.x.path);
    } catch {
      // an empty or half-written line
    }
  }
  return shards;
}

/** Every planned shard with its owner, from `audiogen plan --json`. */
export function plannedOwners(config: string, partitions: number): { x: string; partition: number }[] {
  const r = runCli(['plan', '--config', config, '--partitions', String(partitions), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as { assignment: { partition: number; files: { x: string }[] }[] };
  return plan.assignment.flatMap((p) => p.files.map((f) => ({ x: f.x, partition: p.partition })));
}
