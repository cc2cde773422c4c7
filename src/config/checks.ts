// Rules that span several keys, which the schema cannot express key by key.
import type { Config } from './schema.js';
import type { Problem } from './issues.js';
import { frontendShape, sampleLength, subsetSource } from './derive.js';

const RAW_AUDIO_DTYPES = ['float32', 'float64', 'int16'];

/**
 * A rule a room above config adds to validation (the frontend's feasibility rules: src/frontend/frontend.ts), given
 * by whoever loads the config, so config never imports the rooms it configures.
 */
export type ConfigCheck = (config: Config) => Problem[];

export function crossChecks(config: Config, extra: readonly ConfigCheck[] = []): Problem[] {
  const problems: Problem[] = [];
  const g = config.generator;
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });

  // Each noise source needs both its choice and its factor range; one without the other would be ignored.
  const colors = g.noise_colors !== null && g.noise_colors !== 'none';
  if (colors && g.noise_color_range === null)
    add(['generator', 'noise_color_range'], 'required with noise_colors: the [min, max] noise factor');
  if (!colors && g.noise_color_range !== null)
    add(['generator', 'noise_colors'], "required with noise_color_range: a list of colors, or 'all'");
  if (g.bg_noise_dir !== null && g.bg_noise_range === null)
    add(['generator', 'bg_noise_range'], 'required with bg_noise_dir: the [min, max] noise factor');
  if (g.bg_noise_dir === null && g.bg_noise_range !== null)
    add(['generator', 'bg_noise_dir'], 'required with bg_noise_range: the folder of background-noise .wav files');

  problems.push(...splitChecks(config));
  for (const subset of config.output.subsets ?? []) {
    if (subsetSource(config, subset) !== null) continue;
    const why =
      config.dataset.manifest !== null && config.dataset.columns?.subset
        ? `a value in dataset.subset_names.${subset}`
        : subset === 'training'
          ? 'a subset column that names it'
          : `generator.${subset}_split > 0 (or dataset.split_lists.${subset}, or a subset column of dataset.manifest)`;
    add(['output', 'subsets'], `${subset} needs ${why}`);
  }
  if (config.dataset.class_mode === 'binary' && config.dataset.classes.length !== 2) {
    add(['dataset', 'class_mode'], `binary needs exactly 2 classes, got ${config.dataset.classes.length}`);
  }
  for (const [i, name] of config.dataset.classes.entries()) {
    if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
      add(
        ['dataset', 'classes', i],
        `expected a folder name inside the dataset directory, got ${JSON.stringify(name)}`,
      );
    }
  }

  const n = sampleLength(config.frontend);
  if (n < 1) add(['frontend', 'sample_length_ms'], 'the sample holds no audio samples at this sample rate');

  if (g.frontend_enabled) {
    if (g.sample_shape !== null)
      add(
        ['generator', 'sample_shape'],
        'applies to raw audio only (frontend_enabled: false); spectrogram shapes follow the frontend settings',
      );
  } else {
    if (!RAW_AUDIO_DTYPES.includes(g.dtype)) {
      add(
        ['generator', 'dtype'],
        `raw audio (frontend_enabled: false) is written as float32, float64 or int16, got ${JSON.stringify(g.dtype)}`,
      );
    }
    if (g.sample_shape !== null) {
      const product = g.sample_shape.reduce((a, b) => a * b, 1);
      if (product !== n)
        add(
          ['generator', 'sample_shape'],
          `expected a shape holding ${n} audio samples, got ${JSON.stringify(g.sample_shape)} (${product})`,
        );
    }
    const frontendOnly = {
      frontend_dtype: g.frontend_dtype !== null,
      samplewise_center: g.samplewise_center,
      samplewise_std_normalization: g.samplewise_std_normalization,
      samplewise_normalize_range: g.samplewise_normalize_range !== null,
      rescale: g.rescale !== null,
    };
    for (const [key, set] of Object.entries(frontendOnly)) {
      if (set) add(['generator', key], 'applies to spectrograms only (frontend_enabled: true), as in the reference');
    }
  }
  specAugmentChecks(config, add);
  for (const check of extra) problems.push(...check(config));
  return problems;
}

/** SpecAugment: each count needs its width and the other way round, and every mask must fit the spectrogram. */
function specAugmentChecks(config: Config, add: (path: (string | number)[], message: string) => void): void {
  const s = config.generator.spec_augment;
  const at = (key: string) => ['generator', 'spec_augment', key];
  const axes = [
    ['time_masks', 'time_mask_max_frames', 'frames'],
    ['freq_masks', 'freq_mask_max_channels', 'channels'],
  ] as const;
  const shape = frontendShape(config.frontend);
  for (const [count, width, unit] of axes) {
    if (s[count] > 0 && s[width] === 0)
      add(at(width), `required with ${count}: the widest mask, at least 1 ${unit.slice(0, -1)}`);
    if (s[count] === 0 && s[width] > 0) add(at(count), `required with ${width}: how many masks a sample gets`);
    // The frame count of an infeasible frontend is 0: the frontend's own check reports that.
    if (config.generator.frontend_enabled && shape[unit] > 0 && s[width] > shape[unit])
      add(
        at(width),
        `expected at most the spectrogram\u2019s ${shape[unit]} ${unit} (a mask lies inside it), got ${s[width]}`,
      );
  }
  const masks = s.time_masks > 0 || s.freq_masks > 0;
  if (!masks && s.mask_value !== 'mean') add(at('mask_value'), 'applies only with time_masks or freq_masks');
  if (masks && !config.generator.frontend_enabled)
    add(['generator', 'spec_augment'], 'applies to spectrograms only (frontend_enabled: true)');
}

/** How the subsets are split: fractions, official lists or a manifest's subset column, one at a time. */
function splitChecks(config: Config): Problem[] {
  const problems: Problem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  const d = config.dataset;
  const g = config.generator;
  const fractions = g.validation_split > 0 || g.testing_split > 0;
  if (g.validation_split + g.testing_split >= 1) {
    add(
      ['generator', 'testing_split'],
      `validation_split + testing_split must be < 1 (training keeps the rest), got ${g.validation_split} + ${g.testing_split}`,
    );
  }
  if (d.split_lists !== null) {
    if (d.manifest !== null)
      add(
        ['dataset', 'split_lists'],
        'applies to class folders; with dataset.manifest, a subset column (dataset.columns.subset) decides the split',
      );
    else if (fractions)
      add(
        ['dataset', 'split_lists'],
        'the lists decide the split: give them or generator.validation_split/testing_split, not both',
      );
  }
  if (d.manifest === null) {
    for (const key of ['columns', 'subset_names', 'where'] as const)
      if (d[key] !== null) add(['dataset', key], 'applies to a dataset described by a file: set dataset.manifest');
    return problems;
  }
  if (d.columns === null) {
    add(['dataset', 'columns'], 'required with dataset.manifest: the columns of the path and the label, at least');
    return problems;
  }
  if (d.shuffle_index_dir !== null)
    add(['dataset', 'shuffle_index_dir'], 'applies to class folders, not to dataset.manifest (whose rows are sorted)');
  if (d.columns.subset !== null) {
    if (fractions)
      add(
        ['dataset', 'columns', 'subset'],
        'the subset column decides the split: give it or generator.validation_split/testing_split, not both',
      );
  } else {
    if (d.subset_names !== null)
      add(['dataset', 'subset_names'], 'names the values of a subset column: set dataset.columns.subset');
    if (d.columns.speaker !== null && d.validation_split_method === 'index' && fractions)
      add(
        ['dataset', 'columns', 'speaker'],
        'the index split takes files by position; the speaker column applies to validation_split_method: hash',
      );
  }
  return problems;
}
