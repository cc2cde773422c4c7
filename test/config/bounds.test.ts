// Every number in the config has a documented bound: the schema states it, its description says it, a value just
// past it is refused naming the key, and the bound itself is valid. Driven from the schema: a new numeric key
// without a bound fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { at, leafName, numericLeaves, past, withValue, type NumericLeaf } from './bounds.js';

const leaves = numericLeaves();
const base = { dataset: { directory: 'data', classes: ['yes', 'no'] }, output: { directory: 'out' } };

/** Other keys a value at a bound needs to make a runnable config (cross-key rules), per leaf and side. */
function companions(leaf: NumericLeaf, side: 'min' | 'max'): Record<string, Record<string, unknown>> {
  const key = leaf.key;
  if (key === 'generator.noise_color_range') return { generator: { noise_colors: 'all' } };
  if (key === 'generator.bg_noise_range') return { generator: { bg_noise_dir: 'bg' } };
  if (key === 'generator.rir_probability') return { generator: { rir_dir: 'rirs' } };
  if (key.startsWith('generator.spec_augment.')) return specAugmentCompanions(key.split('.')[2], side);
  if (key === 'generator.sample_shape') {
    // Raw audio, with a sample length that is exactly the one size.
    const frontend =
      side === 'max'
        ? { sample_rate_hz: 384000, sample_length_ms: 60000 }
        : { sample_rate_hz: 1000, sample_length_ms: 1 };
    return { generator: { frontend_enabled: false }, frontend };
  }
  if (key === 'frontend.sample_rate_hz' && side === 'min')
    return {
      frontend: { filterbank_upper_band_limit: 400, filterbank_lower_band_limit: 20, filterbank_n_channels: 4 },
    };
  if (key === 'frontend.sample_length_ms' && side === 'min')
    return {
      frontend: {
        window_size_ms: 1,
        window_step_ms: 1,
        filterbank_n_channels: 1,
        filterbank_upper_band_limit: 7000,
        filterbank_lower_band_limit: 4000,
      },
    };
  if (key === 'frontend.window_size_ms' && side === 'min')
    return {
      frontend: {
        window_step_ms: 1,
        filterbank_n_channels: 1,
        filterbank_upper_band_limit: 7000,
        filterbank_lower_band_limit: 4000,
      },
    };
  if (key === 'frontend.window_step_ms' && side === 'max') return { frontend: { window_size_ms: 1000 } };
  if (key === 'frontend.filterbank_n_channels' && side === 'max') return { frontend: { window_size_ms: 1000 } };
  if (key === 'frontend.filterbank_upper_band_limit') {
    return side === 'max'
      ? { frontend: { sample_rate_hz: 384000 } }
      : { frontend: { window_size_ms: 1000, filterbank_n_channels: 1, filterbank_lower_band_limit: 0 } };
  }
  if (key === 'frontend.filterbank_lower_band_limit' && side === 'max') {
    return {
      frontend: {
        sample_rate_hz: 384000,
        filterbank_upper_band_limit: 191999,
        filterbank_n_channels: 1,
        window_size_ms: 80,
      },
    };
  }
  // The float frontends' own keys need their type (and log, for the log's keys).
  if (key === 'frontend.fft_length' && side === 'min')
    return {
      frontend: {
        type: 'log_mel',
        window_size_ms: 1,
        window_step_ms: 1,
        filterbank_n_channels: 1,
        filterbank_upper_band_limit: 7000,
        filterbank_lower_band_limit: 4000,
      },
    };
  if (key === 'frontend.fft_length' || key === 'frontend.top_db') return { frontend: { type: 'log_mel' } };
  if (key === 'frontend.log_offset') return { frontend: { type: 'log_mel', log: 'ln' } };
  if (key === 'frontend.n_mfcc')
    return side === 'max'
      ? { frontend: { type: 'mfcc', filterbank_n_channels: 512, fft_length: 8192 } }
      : { frontend: { type: 'mfcc' } };
  return {};
}

/** The other SpecAugment keys a value needs (a count needs its width and the reverse), and a frontend it fits. */
function specAugmentCompanions(key: string, side: 'min' | 'max'): Record<string, Record<string, unknown>> {
  // At the lower bounds the counts and widths are 0: SpecAugment off, nothing else needed.
  if (side === 'min' && key !== 'mask_value') return {};
  const masks = { time_masks: 1, time_mask_max_frames: 1 };
  if (key === 'time_mask_max_frames')
    // 60000 frames: 60 s in 1 ms steps.
    return {
      generator: { spec_augment: { time_masks: 1 } },
      frontend: {
        sample_length_ms: 60000,
        window_size_ms: 1,
        window_step_ms: 1,
        filterbank_n_channels: 1,
        filterbank_upper_band_limit: 7000,
        filterbank_lower_band_limit: 4000,
      },
    };
  if (key === 'freq_mask_max_channels')
    return {
      generator: { spec_augment: { freq_masks: 1 } },
      frontend: { window_size_ms: 1000, filterbank_n_channels: 512 },
    };
  if (key === 'freq_masks') return { generator: { spec_augment: { freq_mask_max_channels: 1 } } };
  return { generator: { spec_augment: masks } };
}

function configWith(leaf: NumericLeaf, value: number, side: 'min' | 'max'): Record<string, unknown> {
  const merged: Record<string, Record<string, unknown>> = structuredClone(base);
  for (const [section, keys] of Object.entries(companions(leaf, side)))
    merged[section] = { ...merged[section], ...keys };
  return withValue(merged, leaf, value);
}

function problemsOf(config: unknown): string[] {
  try {
    parseConfigText(stringify(config), 'kws.yaml');
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
}

test('the schema finds the config\u2019s numbers (the walk itself works)', () => {
  const names = leaves.map(leafName);
  for (const n of [
    'output.epochs',
    'dataset.batch_size',
    'generator.cores',
    'generator.speed_range[1]',
    'generator.sample_shape[0]',
    'frontend.pcan_offset',
    'dataset.seed',
  ]) {
    assert.ok(names.includes(n), `${n} not found among ${names.join(', ')}`);
  }
  assert.ok(leaves.length >= 45, `${leaves.length}`);
});

test('every numeric key has a finite lower and upper bound (a list of numbers also a length bound)', () => {
  const unbounded = leaves.filter(
    (l) => !(l.min && l.max && Number.isFinite(l.min.value) && Number.isFinite(l.max.value)),
  );
  assert.deepEqual(unbounded.map(leafName), []);
  for (const l of leaves.filter((l) => /\[0\]$/.test(leafName(l)) && l.maxItems !== undefined))
    assert.ok(Number.isFinite(l.maxItems), leafName(l));
});

test('every numeric key\u2019s description states its bounds', () => {
  const missing: string[] = [];
  for (const l of leaves) {
    for (const b of [l.min!, l.max!])
      if (!l.description.includes(String(Math.abs(b.value))))
        missing.push(`${leafName(l)}: ${b.value} not in "${l.description}"`);
  }
  assert.deepEqual(missing, []);
});

for (const side of ['min', 'max'] as const) {
  test(`a value just past each ${side === 'min' ? 'lower' : 'upper'} bound is refused naming the key`, () => {
    const wrong: string[] = [];
    for (const l of leaves) {
      const value = past(l, side);
      const lines = problemsOf(configWith(l, value, side));
      if (!lines.some((line) => line.startsWith(`${leafName(l)}: `)))
        wrong.push(`${leafName(l)} = ${value}: ${lines.join(' | ') || 'accepted'}`);
    }
    assert.deepEqual(wrong, []);
  });

  test(`each ${side === 'min' ? 'lower' : 'upper'} bound itself is valid`, () => {
    const wrong: string[] = [];
    for (const l of leaves) {
      const value = at(l, side);
      const lines = problemsOf(configWith(l, value, side));
      if (lines.length > 0) wrong.push(`${leafName(l)} = ${value}: ${lines.join(' | ')}`);
    }
    assert.deepEqual(wrong, []);
  });
}
