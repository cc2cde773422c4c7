// Where things go under the output directory, and which names there are audiogen's own: a build deletes or
// overwrites only paths this module names.
import { SUBSETS } from '../config/names.js';
import type { OutputFormat, Subset } from '../config/schema.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A shard: its place in the build (subset, epoch, number) and its positions [start, start + count) of the epoch. */
export interface ShardSpec {
  subset: Subset;
  epoch: number;
  shard: number;
  /** First position (within the epoch) and number of samples. */
  start: number;
  count: number;
}

/** One of N independent jobs a build is split into (a one-machine build is partition 0 of 1). */
export interface Partition {
  index: number;
  count: number;
}

/** A shard of output.format npy: x, y (when the build has labels) and the index CSV. */
export interface NpyShardFiles {
  x: string;
  y: string;
  index: string;
}

/** A shard of output.format webdataset: one tar. */
export interface TarShardFiles {
  tar: string;
}

export type ShardFiles = NpyShardFiles | TarShardFiles;

/**
 * Paths relative to the output directory: <subset>/epoch-<eee>/x-<sss>.npy, y-<sss>.npy, index-<sss>.csv, or
 * shard-<sss>.tar for webdataset. Epochs have three digits whatever their count (so adding epochs never renames a
 * folder); shard numbers are as wide as the epoch's shard count needs, at least three digits.
 */
export function shardFiles(subset: Subset, epoch: number, shard: number, shards: number, format?: 'npy'): NpyShardFiles;
export function shardFiles(
  subset: Subset,
  epoch: number,
  shard: number,
  shards: number,
  format: 'webdataset',
): TarShardFiles;
export function shardFiles(
  subset: Subset,
  epoch: number,
  shard: number,
  shards: number,
  format: OutputFormat,
): ShardFiles;
export function shardFiles(
  subset: Subset,
  epoch: number,
  shard: number,
  shards: number,
  format: OutputFormat = 'npy',
): ShardFiles {
  const dir = `${subset}/epoch-${pad(epoch, 3)}`;
  const s = pad(shard, Math.max(3, String(shards - 1).length));
  if (format === 'webdataset') return { tar: `${dir}/shard-${s}.tar` };
  return { x: `${dir}/x-${s}.npy`, y: `${dir}/y-${s}.npy`, index: `${dir}/index-${s}.csv` };
}

/** The file that names a shard (its x, or its tar): what records are keyed by. */
export const shardId = (files: ShardFiles): string => ('tar' in files ? files.tar : files.x);

/** Every file a shard may have. */
export const shardPaths = (files: ShardFiles): string[] =>
  'tar' in files ? [files.tar] : [files.x, files.y, files.index];

export const MANIFEST = 'manifest.json';
export const CLASSES = 'classes.txt';
/** Build state (finished shards with sizes and hashes, locks), one log per partition. */
export const STATE_DIR = '.audiogen';

const SHARD_FILE = new RegExp(
  `^(${SUBSETS.join('|')})/epoch-\\d{3,}/(x-\\d{3,}\\.npy|y-\\d{3,}\\.npy|index-\\d{3,}\\.csv|shard-\\d{3,}\\.tar)$`,
);

/** Whether a relative path is one the layout could name for a shard file (never `..`, never absolute). */
export function isShardPath(rel: string): boolean {
  return SHARD_FILE.test(rel);
}

/** Subset and epoch folders: the only folders a build removes, and only when empty. */
export function isLayoutFolder(rel: string): boolean {
  return (SUBSETS as readonly string[]).includes(rel) || new RegExp(`^(${SUBSETS.join('|')})/epoch-\\d{3,}$`).test(rel);
}
