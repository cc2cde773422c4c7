// Shared by the worker tests: a small dataset and the context workers get, shard files to write rows into, hooks
// modules that stall or fail on one clip, and the processes this test process has forked.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchJob, WorkContext } from '../../src/sample/batch.js';
import { makeConfig, tempDir, toneWav, writeDataset } from '../helpers.js';

export const CLIPS = ['yes/a_nohash_0.wav', 'yes/b_nohash_0.wav', 'no/c_nohash_0.wav', 'no/d_nohash_0.wav'];
/** Raw audio rows: 16000 float32 values. */
export const ROW_BYTES = 16000 * 4;

/** The context of a raw-audio build over four tone clips, with `hooks` as its hooks module (or none). */
export function workContext(hooks: string | null = null): WorkContext {
  const dir = tempDir();
  const dataset = writeDataset(
    join(dir, 'data'),
    Object.fromEntries(CLIPS.map((c, i) => [c, toneWav(0.5, 16000, 300 + 100 * i)])),
  );
  const config = makeConfig(dataset, join(dir, 'out'), { generator: { loudness_range: [0.5, 1.5] } });
  return { config: { ...config, hooks }, background: [], rirs: [] };
}

/** A batch of the given clips (positions from `start`) writing into a new zeroed x file of its own. */
export function job(
  files: (string | null)[],
  opts: { batchIndex?: number; start?: number; xPath?: string } = {},
): BatchJob {
  const xPath = opts.xPath ?? join(tempDir(), 'x.partial');
  if (!existsSync(xPath)) writeFileSync(xPath, Buffer.alloc(files.length * ROW_BYTES));
  const start = opts.start ?? 0;
  return {
    subset: 'training',
    epoch: 0,
    batchIndex: opts.batchIndex ?? 0,
    items: files.map((file, i) => ({ position: start + i, label: file?.startsWith('no/') ? 1 : 0, file })),
    xPath,
    xOffset: 0,
  };
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
