// One build at a time per (output directory, partition): a lock file created with O_EXCL that names its holder.
// A lock whose process is gone (same host, PID not running or reused, or an earlier run of the same Slurm job)
// is stale and taken over; partitions of one build hold different locks and run side by side.
import { closeSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AudiogenError, throwIfInterrupted } from '../errors.js';
import { ensureDir, outputError } from './atomic.js';
import { STATE_DIR } from './layout.js';

export interface LockHolder {
  host: string;
  pid: number;
  /** The process's start time in clock ticks since boot (Linux), so a reused PID is not mistaken for the holder. */
  start: number | null;
  /** Slurm job id and restart count: a requeued job takes over the lock of its own earlier run. */
  slurm_job: string | null;
  slurm_restart: number;
}

const LOCK_PATTERN = /^lock-(\d+)-of-(\d+)\.json$/;
const lockName = (index: number, count: number) => `lock-${index}-of-${count}.json`;

function processStart(pid: number): number | null {
  try {
    // Field 22 of /proc/PID/stat, counted after the command name (which may hold spaces) closes with ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return null;
  }
}

function me(): LockHolder {
  return {
    host: hostname(),
    pid: process.pid,
    start: processStart(process.pid),
    slurm_job: process.env.SLURM_JOB_ID || null,
    slurm_restart: Number(process.env.SLURM_RESTART_COUNT ?? 0) || 0,
  };
}

/** Whether the holder is certainly gone; a holder on another host is assumed alive (nothing here can tell). */
function isStale(holder: LockHolder, self: LockHolder): boolean {
  if (holder.slurm_job && holder.slurm_job === self.slurm_job && holder.slurm_restart < self.slurm_restart) return true;
  if (holder.host !== self.host) return false;
  if (holder.pid === self.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const start = processStart(holder.pid);
  return holder.start !== null && start !== null && start !== holder.start;
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.host === 'string' && Number.isInteger(h.pid) ? h : null;
  } catch {
    return null;
  }
}

const describe = (h: LockHolder | null) =>
  h
    ? `host ${h.host}, pid ${h.pid}${h.slurm_job ? `, Slurm job ${h.slurm_job}` : ''}`
    : 'a holder that left no readable record';

export interface LockOptions {
  /** Wait for the holder to finish instead of failing. */
  wait?: boolean;
  /** Told once when waiting starts, and when a stale lock is taken over. */
  note?: (message: string) => void;
  signal?: AbortSignal;
}

export class OutputLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    readonly path: string,
    private readonly holder: LockHolder,
  ) {
    process.once('exit', this.onExit);
  }

  /** Takes the lock of `partition` in `outDir` (creating OUT/.audiogen), or fails naming whoever holds it. */
  static async acquire(
    outDir: string,
    partition: { index: number; count: number },
    opts: LockOptions = {},
  ): Promise<OutputLock> {
    const dir = join(outDir, STATE_DIR);
    ensureDir(dir);
    const path = join(dir, lockName(partition.index, partition.count));
    const self = me();
    let waiting = false;
    for (;;) {
      throwIfInterrupted(opts.signal);
      const lock = OutputLock.tryCreate(path, self);
      const blocker = lock ? OutputLock.conflicting(dir, partition, self) : { path, holder: readHolder(path) };
      if (lock && !blocker) return lock;
      lock?.release();
      if (blocker?.holder && isStale(blocker.holder, self)) {
        opts.note?.(`removing the stale lock ${blocker.path} (${describe(blocker.holder)}: no longer running)`);
        try {
          unlinkSync(blocker.path);
        } catch {
          // someone else removed it first
        }
        continue;
      }
      const whom = describe(blocker?.holder ?? null);
      if (!opts.wait) {
        throw new AudiogenError(
          `${outDir} is being built by another audiogen (${whom}; lock ${blocker?.path}): wait for it (--wait), or choose another output directory. ` +
            `If that build is gone (a machine that died), delete the lock file and rerun.`,
        );
      }
      if (!waiting) opts.note?.(`waiting for the build holding ${blocker?.path} (${whom}) to finish…`);
      waiting = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private static tryCreate(path: string, self: LockHolder): OutputLock | null {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
      throw outputError(path, err);
    }
    try {
      writeSync(fd, JSON.stringify(self) + '\n');
    } catch (err) {
      closeSync(fd);
      unlinkSync(path);
      throw outputError(path, err);
    }
    closeSync(fd);
    return new OutputLock(path, self);
  }

  /** A live lock that cannot run beside this partition: a build of the same output with another partition count. */
  private static conflicting(
    dir: string,
    partition: { index: number; count: number },
    self: LockHolder,
  ): { path: string; holder: LockHolder | null } | null {
    for (const name of readdirSync(dir)) {
      const m = LOCK_PATTERN.exec(name);
      if (!m || Number(m[2]) === partition.count) continue;
      const path = join(dir, name);
      const holder = readHolder(path);
      if (holder && isStale(holder, self)) {
        try {
          unlinkSync(path);
        } catch {
          // gone already
        }
        continue;
      }
      return { path, holder };
    }
    return null;
  }

  /** Removes the lock file if it is still this process's. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    const h = readHolder(this.path);
    if (h && h.pid === this.holder.pid && h.host === this.holder.host) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
  }
}

/** Whether `name` (in OUT/.audiogen) is a lock file. */
export const isLockFile = (name: string) => LOCK_PATTERN.test(name);
