// Build state: an append-only log of finished shards (one JSON line each, after the files are renamed), so an
// interrupted or killed build resumes with what is really done. A torn last line (kill -9 mid-write) is ignored.
import { appendFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AudiogenError } from '../errors.js';
import { ensureDir, outputError } from './atomic.js';
import { STATE_DIR } from './layout.js';
import { NotAFileError, readRegularFile } from '../files/read.js';
import type { ShardRecord } from './shard-writer.js';
import type { ListingSummary } from './manifest.js';
import type { Partition } from './layout.js';

/** A fingerprint of the files a build read (src/plan/inputs.ts makes it). */
export interface InputsFingerprint {
  /** sha256 over (name, size, mtime) of every input file, in a fixed order. */
  stat: string;
  /** sha256 over (name, sha256 of its contents) of every input file; only with --verify-inputs. */
  content?: string;
}

export interface StateHeader {
  kind: 'audiogen-state';
  config_hash: string;
  /** Fingerprint of the planned samples: the same config over a changed dataset gives another one. */
  dataset_hash: string;
  /** The output-determining config, to say what changed when a rerun differs. */
  config: Record<string, unknown>;
  /** Epochs this run builds (not part of the identity: a later run may add or drop epochs). */
  epochs: number;
  partition: Partition;
  /** The dataset as listed, so a merge can describe the output without the dataset. */
  listing: ListingSummary;
  /** The input files' sizes and times (and contents with --verify-inputs), to notice an edited clip. */
  inputs?: InputsFingerprint;
}

/** One log per partition (a one-machine build is partition 0 of 1): partitions never write a shared file. */
export function stateFile(outDir: string, partition: Partition): string {
  return join(outDir, STATE_DIR, `shards-${partition.index}-of-${partition.count}.jsonl`);
}

export const STATE_FILE_PATTERN = /^shards-(\d+)-of-(\d+)\.jsonl$/;

export interface StateLog {
  header: StateHeader | null;
  /** Records with the 1-based line each came from (to name a corrupt one). */
  shards: { record: ShardRecord; line: number }[];
}

/** The log at `path` (empty when there is none); a torn line (kill -9 mid-write) is a shard not done. */
export function readState(path: string): StateLog {
  let text: string;
  try {
    text = readRegularFile(path).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { header: null, shards: [] };
    if (err instanceof NotAFileError)
      throw new AudiogenError(
        `${path}: ${err.what} where audiogen keeps its build log; audiogen did not make it: remove it`,
      );
    throw new AudiogenError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let header: StateHeader | null = null;
  const shards: StateLog['shards'] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return; // torn write of a killed build: that shard is simply not done
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    if ((value as StateHeader).kind === 'audiogen-state') header = value as StateHeader;
    else if (header) shards.push({ record: value as ShardRecord, line: i + 1 });
  });
  return { header, shards };
}

export class StateWriter {
  constructor(private readonly path: string) {}

  /** Starts a fresh log (a new build, or --force). */
  start(header: StateHeader): void {
    ensureDir(dirname(this.path));
    this.append(header, 'w');
  }

  /** Replaces the header of a finished log (a later header line wins when the log is read). */
  updateHeader(header: StateHeader): void {
    this.append(header, 'a');
  }

  /** One line per finished shard, its keys in a fixed order (the npy lines as they always were). */
  record(shard: ShardRecord): void {
    const { subset, epoch, shard: n, start, count } = shard;
    if ('tar' in shard) this.append({ subset, epoch, shard: n, start, count, tar: shard.tar }, 'a');
    else {
      const { x, y, index } = shard;
      this.append({ subset, epoch, shard: n, start, count, x, y, index }, 'a');
    }
  }

  private append(value: unknown, flag: 'a' | 'w'): void {
    try {
      const fd = openSync(this.path, flag);
      try {
        appendFileSync(fd, JSON.stringify(value) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      throw outputError(this.path, err);
    }
  }
}
