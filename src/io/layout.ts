// Where things go under the output directory.
import type { Subset } from '../config/schema.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export interface ShardFiles {
  x: string;
  y: string;
  index: string;
}

/** Paths relative to the output directory: <subset>/epoch-<eee>/x-<sss>.npy, y-<sss>.npy, index-<sss>.csv. */
export function shardFiles(subset: Subset, epoch: number, shard: number, epochs: number, shards: number): ShardFiles {
  const dir = `${subset}/epoch-${pad(epoch, Math.max(3, String(epochs - 1).length))}`;
  const s = pad(shard, Math.max(3, String(shards - 1).length));
  return { x: `${dir}/x-${s}.npy`, y: `${dir}/y-${s}.npy`, index: `${dir}/index-${s}.csv` };
}

export const MANIFEST = 'manifest.json';
export const CLASSES = 'classes.txt';
/** Build state (finished shards with sizes and hashes), one file per partition. */
export const STATE_DIR = '.audiogen';
