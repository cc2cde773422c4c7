// manifest.json: everything a trainer needs to load the shards, and everything needed to check them.
// Deterministic: no timestamps or host names, so two builds of the same config write the same bytes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config, Dtype, Subset } from '../config/schema.js';
import { DEFAULT_EXTENSIONS, SPEC_AUGMENT_OFF } from '../config/names.js';
import type { LabelFormat } from './labels.js';
import type { ShardRecord } from './shard-writer.js';

/**
 * The manifest's format_version, for npy and webdataset builds alike: a webdataset build's shards list a `tar`
 * where an npy build's list x, y and index, which readers tell apart by the record (python/audiogen_data reads both).
 */
export const FORMAT_VERSION = 1;
/** The version in package.json, read once from the package root (src/io/ under tsx, dist/src/io/ when built). */
export const TOOL_VERSION: string = (() => {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'audiogen' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not at this depth
    }
  }
  throw new Error('audiogen: package.json not found next to the installed code');
})();

export interface EpochEntry {
  epoch: number;
  shards: ShardRecord[];
}

export interface SubsetEntry {
  samples: number;
  class_counts: Record<string, number>;
  /** Finished epochs only, in order; a trainer in follow mode waits for the next one to appear. */
  epochs: EpochEntry[];
}

/** What a build needs to know of the dataset listing to describe its output (kept in every partition's log). */
export interface ListingSummary {
  classes: string[];
  subsets: Partial<Record<Subset, { samples: number; class_counts: Record<string, number> }>>;
  skipped: SkippedFile[];
  warnings: string[];
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface Manifest {
  format: 'audiogen';
  format_version: number;
  tool: { name: 'audiogen'; version: string };
  /** False while the build is still writing epochs. */
  complete: boolean;
  config_hash: string;
  dataset_hash: string;
  /** The resolved config without the keys that only change how a build runs (cores, debug, ...). */
  config: Record<string, unknown>;
  classes: string[];
  class_mode: Config['dataset']['class_mode'];
  sample_shape: number[];
  dtype: Dtype;
  label: LabelFormat | null;
  frontend: (Config['frontend'] & { enabled: true; output_dtype: string }) | null;
  epochs: number;
  index_columns: string[];
  subsets: Partial<Record<Subset, SubsetEntry>>;
  skipped: SkippedFile[];
  warnings: string[];
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Config keys that change how a build runs, never what it writes. */
const RUN_ONLY: readonly (readonly string[])[] = [
  ['generator', 'cores'],
  ['generator', 'debug'],
  ['generator', 'max_batches_pending'],
  ['output', 'directory'],
  ['output', 'partitions'],
];

/**
 * Keys added after builds were first made, with the value that leaves every output as it was before them: left out
 * of the recorded config while they hold it, so a build made before they existed keeps its config hash and manifest
 * bytes (it is resumed or found finished, not refused as another config). Reading a manifest back fills them in.
 */
export const LATER_KEYS: readonly { path: readonly [string, string]; neutral: unknown }[] = [
  { path: ['dataset', 'split_lists'], neutral: null },
  { path: ['dataset', 'manifest'], neutral: null },
  { path: ['dataset', 'columns'], neutral: null },
  { path: ['dataset', 'subset_names'], neutral: null },
  { path: ['dataset', 'where'], neutral: null },
  { path: ['generator', 'testing_split'], neutral: 0 },
  { path: ['generator', 'testing_augmentation_enabled'], neutral: false },
  { path: ['generator', 'rir_dir'], neutral: null },
  { path: ['generator', 'rir_probability'], neutral: null },
  { path: ['generator', 'spec_augment'], neutral: SPEC_AUGMENT_OFF },
  // Every listed clip is in the inputs' fingerprint, so a clip the wider default lists is seen as a changed dataset.
  { path: ['dataset', 'extensions'], neutral: DEFAULT_EXTENSIONS },
  { path: ['frontend', 'type'], neutral: 'microfrontend' },
  { path: ['output', 'format'], neutral: 'npy' },
];

/** The part of the config that determines the output bytes (the manifest records it). */
export function outputConfig(config: Config): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, Record<string, unknown>>;
  for (const [section, key] of RUN_ONLY) delete copy[section][key];
  for (const { path, neutral } of LATER_KEYS) {
    const [section, key] = path;
    if (JSON.stringify(canonical(copy[section]?.[key])) === JSON.stringify(canonical(neutral)))
      delete copy[section][key];
  }
  return canonical(copy) as Record<string, unknown>;
}

/**
 * The config's identity: what the bytes of every epoch depend on. The epoch count is not part of it (each epoch has
 * its own permutation and draws), so raising `epochs` adds epochs to a build instead of replacing it.
 */
export function identityOf(recorded: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(recorded)) as Record<string, Record<string, unknown> | undefined>;
  if (copy.output) delete copy.output.epochs;
  return copy as Record<string, unknown>;
}

export function configHash(config: Config): string {
  return createHash('sha256')
    .update(JSON.stringify(identityOf(outputConfig(config))))
    .digest('hex');
}

/** Keys whose values differ between two configs, as "path: old -> new" lines. */
export function configChanges(before: unknown, after: unknown, path = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
    return keys.flatMap((k) => configChanges(b[k], a[k], path ? `${path}.${k}` : k));
  }
  return [`${path}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`];
}

export function manifestJson(m: Manifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}
