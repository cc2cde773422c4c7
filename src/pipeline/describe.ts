// What the output looks like (sample shape, dtypes, index columns) and the manifest that describes it.
import type { Config } from '../config/schema.js';
import { sampleLength } from '../config/derive.js';
import type { DatasetListing } from '../dataset/dataset.js';
import { labelFormat, type LabelFormat } from '../io/labels.js';
import { FORMAT_VERSION, TOOL_VERSION, outputConfig, type Manifest, type SubsetEntry } from '../io/manifest.js';
import type { ShardRecord, XFormat } from '../io/shard-writer.js';
import { shardFiles } from '../io/layout.js';
import { planHash, type Plan } from '../plan/plan.js';
import { PARAM_COLUMNS } from './params.js';

export interface OutputLayout {
  x: XFormat;
  y: LabelFormat | null;
  columns: string[];
}

/** Shape of one sample in x. */
export function sampleShapeOf(config: Config): number[] {
  return config.generator.sample_shape ?? [sampleLength(config.frontend)];
}

export function outputLayout(config: Config, listing: DatasetListing): OutputLayout {
  return {
    x: { dtype: config.generator.dtype, sampleShape: sampleShapeOf(config) },
    y: labelFormat(config.dataset.class_mode, config.generator.dtype, listing.classes.length),
    columns: ['position', 'label', 'class', 'file', ...PARAM_COLUMNS],
  };
}

export function buildManifest(opts: {
  config: Config;
  hash: string;
  listing: DatasetListing;
  layout: OutputLayout;
  plan: Plan;
  records: ReadonlyMap<string, ShardRecord>;
  complete: boolean;
}): Manifest {
  const { config, hash, listing, layout, plan, records, complete } = opts;
  const subsets: Manifest['subsets'] = {};
  for (const sub of plan.subsets) {
    const entry: SubsetEntry = {
      samples: sub.samples.length,
      class_counts: listing.subsets[sub.subset]!.classCounts,
      epochs: [],
    };
    for (let epoch = 0; epoch < plan.epochs; epoch++) {
      const shards = sub.shards.map((_, shard) => records.get(shardFiles(sub.subset, epoch, shard, plan.epochs, sub.shards.length).x));
      // Only whole epochs are listed, in order: a follower never sees a gap.
      if (shards.some((s) => !s)) break;
      entry.epochs.push({ epoch, shards: shards as ShardRecord[] });
    }
    subsets[sub.subset] = entry;
  }
  return {
    format: 'audiogen',
    format_version: FORMAT_VERSION,
    tool: { name: 'audiogen', version: TOOL_VERSION },
    complete,
    config_hash: hash,
    dataset_hash: planHash(plan),
    config: outputConfig(config),
    classes: listing.classes,
    class_mode: config.dataset.class_mode,
    sample_shape: layout.x.sampleShape,
    dtype: layout.x.dtype,
    label: layout.y,
    frontend: null,
    epochs: plan.epochs,
    index_columns: layout.columns,
    subsets,
    skipped: listing.skipped,
    warnings: listing.warnings,
  };
}
