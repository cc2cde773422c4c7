// What the output looks like (dtypes, index columns) and the manifest that describes it. Everything here derives
// from the config and a listing summary, so a merge of partitions writes the same manifest as a one-machine build.
import type { Config } from '../config/schema.js';
import { frontendDtypeOf, subsetsOf } from '../config/derive.js';
import {
  FORMAT_VERSION,
  TOOL_VERSION,
  outputConfig,
  type ListingSummary,
  type Manifest,
  type SubsetEntry,
} from '../io/manifest.js';
import type { ShardRecord } from '../io/shard-writer.js';
import { plannedShards } from '../plan/shards.js';
import { shardId } from '../io/layout.js';
import { outputLayout } from '../sample/output-layout.js';

export function buildManifest(opts: {
  config: Config;
  hash: string;
  datasetHash: string;
  summary: ListingSummary;
  /** Finished shards by x (or tar) path. */
  records: ReadonlyMap<string, ShardRecord>;
  complete: boolean;
}): Manifest {
  const { config, hash, datasetHash, summary, records, complete } = opts;
  const layout = outputLayout(config, summary.classes.length);
  const shards = plannedShards(config, summary);
  const subsets: Manifest['subsets'] = {};
  for (const subset of subsetsOf(config)) {
    const entry: SubsetEntry = {
      samples: summary.subsets[subset]!.samples,
      class_counts: summary.subsets[subset]!.class_counts,
      epochs: [],
    };
    for (let epoch = 0; epoch < config.output.epochs; epoch++) {
      const mine = shards
        .filter((s) => s.spec.subset === subset && s.spec.epoch === epoch)
        .map((s) => records.get(shardId(s.files)));
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
    frontend: config.generator.frontend_enabled
      ? { ...config.frontend, enabled: true, output_dtype: frontendDtypeOf(config) }
      : null,
    epochs: config.output.epochs,
    index_columns: layout.columns,
    subsets,
    skipped: summary.skipped,
    warnings: summary.warnings,
  };
}
