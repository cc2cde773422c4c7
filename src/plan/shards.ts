// Which shards a build has and who makes each: the subsets' shard ranges over the epochs in canonical order, the
// shard at any (subset, epoch, shard), and a partition's share. Pure, so every process derives the same answer.
import type { Config, Subset } from '../config/schema.js';
import { subsetsOf } from '../config/derive.js';
import type { DatasetListing } from '../dataset/dataset.js';
import { labelFormat } from '../io/labels.js';
import { shardFiles, type Partition, type ShardFiles, type ShardSpec } from '../io/layout.js';
import type { ListingSummary } from '../io/manifest.js';
import { assignShards } from './partition.js';
import { shardRanges, type Plan } from './plan.js';

export interface PlannedShard {
  spec: ShardSpec;
  files: ShardFiles;
}

/**
 * Every shard of the build in canonical order — epoch, then subset, then shard number — with its file names. Epoch
 * first, so adding epochs appends shards and never reorders the ones before (partition owners stay put).
 */
export function plannedShards(config: Config, summary: ListingSummary): PlannedShard[] {
  const out: PlannedShard[] = [];
  const subsets = subsetsOf(config).map((subset) => ({
    subset,
    ranges: shardRanges(summary.subsets[subset]!.samples, config.output.samples_per_shard),
  }));
  for (let epoch = 0; epoch < config.output.epochs; epoch++) {
    for (const { subset, ranges } of subsets) {
      ranges.forEach((r, shard) => {
        out.push({
          spec: { subset, epoch, shard, ...r },
          files: shardFiles(subset, epoch, shard, ranges.length, config.output.format),
        });
      });
    }
  }
  return out;
}

/** The planned shard at (subset, epoch, shard) for any epoch number, or null; `hasY`: whether it has a y file. */
export type ShardLookup = (subset: Subset, epoch: number, shard: number) => (PlannedShard & { hasY: boolean }) | null;

export function shardLookup(config: Config, summary: ListingSummary): ShardLookup {
  const ranges = new Map(
    subsetsOf(config).map((subset) => [
      subset,
      shardRanges(summary.subsets[subset]!.samples, config.output.samples_per_shard),
    ]),
  );
  const hasY = labelFormat(config.dataset.class_mode, config.generator.dtype, summary.classes.length) !== null;
  return (subset, epoch, shard) => {
    const r = ranges.get(subset)?.[shard];
    if (!r || !Number.isInteger(shard) || !Number.isInteger(epoch) || epoch < 0) return null;
    return {
      spec: { subset, epoch, shard, ...r },
      files: shardFiles(subset, epoch, shard, ranges.get(subset)!.length, config.output.format),
      hasY,
    };
  };
}

/** The plan of a listing: every subset's samples and shard ranges; `hooks` fingerprints the hooks module. */
export function makePlan(config: Config, listing: DatasetListing, hooks: string): Plan {
  return {
    epochs: config.output.epochs,
    background: listing.background.map((b) => b.name),
    rirs: listing.rirs.map((r) => r.name),
    hooks,
    subsets: Object.entries(listing.subsets).map(([subset, s]) => ({
      subset: subset as Subset,
      samples: s!.samples,
      shards: shardRanges(s!.samples.length, config.output.samples_per_shard),
    })),
  };
}

/** The shards a partition owns, in canonical order. */
export function ownedShards(shards: readonly PlannedShard[], partition: Partition): PlannedShard[] {
  const owners = assignShards(
    shards.map((s) => s.spec.count),
    partition.count,
  );
  return shards.filter((_, i) => owners[i] === partition.index);
}
