// Build state: an append-only log of finished shards (one JSON line each, after the files are renamed), so an
// interrupted or killed build resumes with what is really done. A torn last line (kill -9 mid-write) is ignored.
import { appendFileSync, existsSync, readFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureDir, outputError } from './atomic.js';
import { STATE_DIR } from './layout.js';
import type { ShardRecord } from './shard-writer.js';

export interface StateHeader {
  kind: 'audiogen-state';
  config_hash: string;
  /** Fingerprint of the planned samples: the same config over a changed dataset gives another one. */
  dataset_hash: string;
  /** The output-determining config, to say what changed when a rerun differs. */
  config: Record<string, unknown>;
  partition: { index: number; count: number };
}

export function stateFile(outDir: string, partition: { index: number; count: number }): string {
  const name = partition.count === 1 ? 'shards.jsonl' : `shards-${partition.index}-of-${partition.count}.jsonl`;
  return join(outDir, STATE_DIR, name);
}

export interface StateLog {
  header: StateHeader | null;
  shards: ShardRecord[];
}

export function readState(path: string): StateLog {
  if (!existsSync(path)) return { header: null, shards: [] };
  const lines = readFileSync(path, 'utf8').split('\n');
  let header: StateHeader | null = null;
  const shards: ShardRecord[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // torn write of a killed build: that shard is simply not done
    }
    if ((value as StateHeader).kind === 'audiogen-state') header = value as StateHeader;
    else if (header) shards.push(value as ShardRecord);
  }
  return { header, shards };
}

export class StateWriter {
  constructor(private readonly path: string) {}

  /** Starts a fresh log (a new build, or --force). */
  start(header: StateHeader): void {
    ensureDir(dirname(this.path));
    this.append(header, 'w');
  }

  record(shard: ShardRecord): void {
    this.append(shard, 'a');
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
