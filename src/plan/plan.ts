// The plan: which sample goes to which position of which shard, in every (subset, epoch). Pure and cheap, so the
// parent, every worker and a partitioned build all derive the same one.
import { createHash } from 'node:crypto';
import type { Subset } from '../config/schema.js';
import type { ShardSpec } from '../io/layout.js';
import type { SampleRef } from '../dataset/dataset.js';
import { rngFor, shuffleInPlace } from '../random/rng.js';

export interface BatchSpec {
  shard: ShardSpec;
  /** Batch number within the epoch; batches never cross a shard boundary. */
  batchIndex: number;
  start: number;
  count: number;
}

/** Shard ranges of an epoch of n samples; 0 = one shard per epoch. */
export function shardRanges(n: number, samplesPerShard: number): { start: number; count: number }[] {
  if (samplesPerShard <= 0 || samplesPerShard >= n) return [{ start: 0, count: n }];
  const out = [];
  for (let start = 0; start < n; start += samplesPerShard)
    out.push({ start, count: Math.min(samplesPerShard, n - start) });
  return out;
}

/** Sample ids in epoch order: each epoch its own seeded permutation when shuffling, the listing order otherwise. */
export function epochOrder(n: number, shuffle: boolean, seed: number, subset: Subset, epoch: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) shuffleInPlace(order, rngFor(seed, subset, epoch, 'shuffle'));
  return order;
}

export interface SubsetPlan {
  subset: Subset;
  samples: SampleRef[];
  shards: { start: number; count: number }[];
}

export interface Plan {
  epochs: number;
  subsets: SubsetPlan[];
  /** Background-noise file names, in draw order (part of what the output depends on). */
  background: string[];
  /** Room-impulse-response file names, in draw order (likewise). */
  rirs: string[];
  /** sha256 of the hooks module ('' without hooks): its code shapes the output too. */
  hooks: string;
}

/** Batches of a shard; batch numbers continue across the epoch's shards. */
export function batchesOf(spec: ShardSpec, batchSize: number, firstBatchIndex: number): BatchSpec[] {
  const out: BatchSpec[] = [];
  for (let off = 0, b = firstBatchIndex; off < spec.count; off += batchSize, b++) {
    out.push({ shard: spec, batchIndex: b, start: spec.start + off, count: Math.min(batchSize, spec.count - off) });
  }
  return out;
}

/** The number of the first batch of each shard of an epoch. */
export function firstBatchIndices(shards: readonly { count: number }[], batchSize: number): number[] {
  const out: number[] = [];
  let b = 0;
  for (const s of shards) {
    out.push(b);
    b += Math.ceil(s.count / batchSize);
  }
  return out;
}

/** A fingerprint of what the plan contains (every subset's samples), to notice a dataset that changed. */
export function planHash(plan: Plan): string {
  const hash = createHash('sha256');
  hash.update(`hooks\t${plan.hooks}\n`);
  for (const name of plan.background) hash.update(`background\t${name}\n`);
  // Without rir_dir nothing is added: the hash of a build that has none stays what it was.
  for (const name of plan.rirs) hash.update(`rir\t${name}\n`);
  for (const s of plan.subsets) {
    hash.update(`${s.subset}\n`);
    // A block of lines at a time: one update per sample would cost more than the line.
    let lines = '';
    for (const r of s.samples) {
      lines += `${r.label}\t${r.file ?? ''}\n`;
      if (lines.length > 1 << 16) {
        hash.update(lines);
        lines = '';
      }
    }
    hash.update(lines);
  }
  return hash.digest('hex');
}
