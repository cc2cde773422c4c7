// Shared by the worker tests: a small dataset and the context workers get, shard files to write rows into, hooks
// modules that stall or fail on one clip, and the processes this test process has forked.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packSubset } from '../../src/plan/packed.js';
import type { ShardBatch, WorkerSetup } from '../../src/workers/runner.js';
import { makeConfig, tempDir, toneWav, writeDataset } from '../helpers.js';

export const CLIPS = ['yes/a_nohash_0.wav', 'yes/b_nohash_0.wav', 'no/c_nohash_0.wav', 'no/d_nohash_0.wav'];
/** The training samples of the setup, in epoch order (no shuffle): the clips, then a _silence_ sample. */
export const SAMPLES: (string | null)[] = [...CLIPS, null];
/** Raw audio rows: 16000 float32 values. */
export const ROW_BYTES = 16000 * 4;

/** The setup of a raw-audio build over four tone clips and a silence sample, with `hooks` as its hooks module. */
export function workContext(hooks: string | null = null): WorkerSetup {
  const dir = tempDir();
  const dataset = writeDataset(
    join(dir, 'data'),
    Object.fromEntries(CLIPS.map((c, i) => [c, toneWav(0.5, 16000, 300 + 100 * i)])),
  );
  const config = makeConfig(dataset, join(dir, 'out'), {
    dataset: { shuffle: false },
    generator: { loudness_range: [0.5, 1.5] },
  });
  const samples = SAMPLES.map((file) => ({ label: file?.startsWith('no/') ? 1 : 0, file }));
  const training = packSubset({ subset: 'training', samples, shards: [{ start: 0, count: samples.length }] });
  return { config: { ...config, hooks }, background: [], rirs: [], subsets: [training] };
}

/** A batch of the given samples (consecutive in SAMPLES) whose rows go into a new zeroed x file of its own. */
export function job(files: (string | null)[], opts: { batchIndex?: number; xPath?: string } = {}): ShardBatch {
  const start = SAMPLES.indexOf(files[0]);
  files.forEach((f, i) => {
    if (SAMPLES[start + i] !== f) throw new Error(`job: ${files.join(', ')} are not consecutive samples`);
  });
  const xPath = opts.xPath ?? join(tempDir(), 'x.partial');
  if (!existsSync(xPath)) writeFileSync(xPath, Buffer.alloc(files.length * ROW_BYTES));
  return {
    subset: 'training',
    epoch: 0,
    batchIndex: opts.batchIndex ?? 0,
    start,
    count: files.length,
    files: { xPath, xOffset: 0, yPath: null, yOffset: 0 },
  };
}

/** The index rows of a batch's output (an npy batch's CSV text). */
export function csvOf(output: unknown): string[] {
  const { csv } = output as { csv: string };
  return csv.trimEnd().split('\n');
}

/**
 * A hooks module whose preprocess, on `clip`, either writes its process id to `marker` and spins forever (a stuck
 * worker to kill), or throws.
 */
export function hooksModule(
  clip: string,
  action: 'stall' | 'throw',
  marker = join(tempDir(), 'marker'),
): { path: string; marker: string } {
  const path = join(tempDir(), 'hooks.mjs');
  const act =
    action === 'stall'
      ? `writeFileSync(${JSON.stringify(marker)}, String(process.pid)); for (;;) {}`
      : `throw new Error('no such luck');`;
  writeFileSync(
    path,
    `import { writeFileSync } from 'node:fs';\nexport function preprocess(x, ctx) {\n  if (ctx.fileName === ${JSON.stringify(clip)}) { ${act} }\n  return x;\n}\n`,
  );
  return { path, marker };
}

/** Waits until `marker` holds a process id, and returns it. */
export async function markedPid(marker: string): Promise<number> {
  for (let i = 0; i < 600; i++) {
    if (existsSync(marker) && readFileSync(marker, 'utf8')) return Number(readFileSync(marker, 'utf8'));
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the hook never ran');
}

/** The node processes this test process has forked (ps itself left out). */
export function children(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, comm]) => pid && comm !== 'ps')
    .map(([pid]) => Number(pid));
}

/** Whether a process exists and is not a zombie waiting to be reaped. */
export const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** Waits until none of `pids` is alive; false if some still are after `ms`. */
export async function gone(pids: number[], ms = 10_000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    if (!pids.some(alive)) return true;
  }
  return false;
}
