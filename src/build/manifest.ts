// What the output looks like (sample shape, dtypes, index columns, shard files) and the manifest that describes
// it. Everything here derives from the config and a listing summary, so a merge of partitions writes the same
// manifest as a one-machine build.
import type { Config, Subset } from '../config/schema.js';
import { frontendDtypeOf, sampleLength, subsetsOf } from '../config/derive.js';
import { frontendShape } from '../frontend/frontend.js';
import type { DatasetListing } from '../dataset/dataset.js';
import type { BadFile } from '../dataset/probe.js';
import { labelFormat, type LabelFormat } from '../io/labels.js';
import { FORMAT_VERSION, TOOL_VERSION, outputConfig, type Manifest, type SubsetEntry } from '../io/manifest.js';
import type { ShardRecord, XFormat } from '../io/shard-writer.js';
import { shardFiles, type ShardFiles } from '../io/layout.js';
import { shardRanges, type ShardSpec } from '../plan/plan.js';
import { PARAM_COLUMNS } from '../sample/params.js';

export interface OutputLayout {
  x: XFormat;
  y: LabelFormat | null;
  columns: string[];
}

/** What a build needs to know of the dataset listing to describe its output (kept in every partition's log). */
export interface ListingSummary {
  classes: string[];
  subsets: Partial<Record<Subset, { samples: number; class_counts: Record<string, number> }>>;
  skipped: BadFile[];
  warnings: string[];
}

export function summarize(listing: DatasetListing): ListingSummary {
  const subsets: ListingSummary['subsets'] = {};
  for (const [name, s] of Object.entries(listing.subsets)) {
    subsets[name as Subset] = { samples: s!.samples.length, class_counts: s!.classCounts };
  }
  return { classes: listing.classes, subsets, skipped: listing.skipped, warnings: listing.warnings };
}

/** Shape of one sample in x: [frames, channels(, 1)] for spectrograms, sample_shape (or [samples]) for audio. */
export function sampleShapeOf(config: Config): number[] {
  const g = config.generator;
  if (!g.frontend_enabled) return g.sample_shape ?? [sampleLength(config.frontend)];
  const { frames, channels } = frontendShape(config.frontend);
  return g.add_channel_dimension ? [frames, channels, 1] : [frames, channels];
}

export function outputLayout(config: Config, classCount: number): OutputLayout {
  return {
    x: { dtype: config.generator.dtype, sampleShape: sampleShapeOf(config) },
    y: labelFormat(config.dataset.class_mode, config.generator.dtype, classCount),
    columns: ['position', 'label', 'class', 'file', ...PARAM_COLUMNS],
  };
}

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
  const subsets = subsetsOf(config).map((subset) => ({ subset, ranges: shardRanges(summary.subsets[subset]!.samples, config.output.samples_per_shard) }));
  for (let epoch = 0; epoch < config.output.epochs; epoch++) {
    for (const { subset, ranges } of subsets) {
      ranges.forEach((r, shard) => {
        out.push({ spec: { subset, epoch, shard, ...r }, files: shardFiles(subset, epoch, shard, ranges.length) });
      });
    }
  }
  return out;
}

/** The planned shard at (subset, epoch, shard) for any epoch number, or null; `hasY`: whether it has a y file. */
export type ShardLookup = (subset: Subset, epoch: number, shard: number) => (PlannedShard & { hasY: boolean }) | null;

export function shardLookup(config: Config, summary: ListingSummary): ShardLookup {
  const ranges = new Map(subsetsOf(config).map((subset) => [subset, shardRanges(summary.subsets[subset]!.samples, config.output.samples_per_shard)]));
  const hasY = labelFormat(config.dataset.class_mode, config.generator.dtype, summary.classes.length) !== null;
  return (subset, epoch, shard) => {
    const r = ranges.get(subset)?.[shard];
    if (!r || !Number.isInteger(shard) || !Number.isInteger(epoch) || epoch < 0) return null;
    return { spec: { subset, epoch, shard, ...r }, files: shardFiles(subset, epoch, shard, ranges.get(subset)!.length), hasY };
  };
}

export function buildManifest(opts: {
  config: Config;
  hash: string;
  datasetHash: string;
  summary: ListingSummary;
  /** Finished shards by x path. */
  records: ReadonlyMap<string, ShardRecord>;
  complete: boolean;
}): Manifest {
  const { config, hash, datasetHash, summary, records, complete } = opts;
  const layout = outputLayout(config, summary.classes.length);
  const shards = plannedShards(config, summary);
  const subsets: Manifest['subsets'] = {};
  for (const subset of subsetsOf(config)) {
    const entry: SubsetEntry = { samples: summary.subsets[subset]!.samples, class_counts: summary.subsets[subset]!.class_counts, epochs: [] };
    for (let epoch = 0; epoch < config.output.epochs; epoch++) {
      const mine = shards.filter((s) => s.spec.subset === subset && s.spec.epoch === epoch).map((s) => records.get(s.files.x));
      // Only whole epochs are listed, in order: a follower never sees a gap.
      if (mine.some((s) => !s)) break;
      entry.epochs.push({ epoch, shards: mine as ShardRecord[] });
    }
    subsets[subset] = entry;
  }
  return {
    format: 'audiogen',
    format_version: FORMAT_VERSION,
    tool: { name: 'audiogen', version: TOOL_VERSION },
    complete,
    config_hash: hash,
    dataset_hash: datasetHash,
    config: outputConfig(config),
    classes: summary.classes,
    class_mode: config.dataset.class_mode,
    sample_shape: layout.x.sampleShape,
    dtype: layout.x.dtype,
    label: layout.y,
    frontend: config.generator.frontend_enabled ? { ...config.frontend, enabled: true, output_dtype: frontendDtypeOf(config) } : null,
    epochs: config.output.epochs,
    index_columns: layout.columns,
    subsets,
    skipped: summary.skipped,
    warnings: summary.warnings,
  };
}
