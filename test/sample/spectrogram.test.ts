// Spectrogram builds end to end: each row of x is the frontend's output for that row's clip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../../src/build/build.js';
import { decodeNpy } from '../../src/io/npy.js';
import { parseCsv } from '../../src/io/csv.js';
import { decodeWav, mixToMono } from '../../src/audio/wav.js';
import { resample } from '../../src/audio/resample.js';
import { AudioFeatureGenerator, floatToInt16 } from '../../src/frontend/frontend.js';
import { placeClip } from '../../src/sample/render.js';
import { LogMelFrontend } from '../../src/frontend/log-mel.js';
import type { FloatFrontendSettings } from '../../src/config/schema.js';
import { demoSubset, makeConfig, readTree, tempDir } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 4);
const frontend = {
  window_size_ms: 30,
  window_step_ms: 20,
  filterbank_n_channels: 40,
  noise_reduction_enable: true,
  pcan_enable: true,
};

function rows(out: string) {
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const shard = m.subsets.training.epochs[0].shards[0];
  const x = decodeNpy(readFileSync(join(out, shard.x.path)));
  const csv = parseCsv(readFileSync(join(out, shard.index.path), 'utf8')).slice(1);
  return { m, x, csv };
}

/** The clip of a file as an identity transform leaves it: resampled, at offset 0, no trim. */
function clipOf(file: string): Float32Array {
  const audio = decodeWav(readFileSync(join(dataset, file)));
  const clip = new Float32Array(16000);
  placeClip(resample(mixToMono(audio), audio.sampleRate, 16000), clip, 0);
  return clip;
}

function expectedUint16(file: string): Uint16Array {
  const gen = new AudioFeatureGenerator(makeConfig(dataset, '/o', { frontend }).frontend);
  const clip = clipOf(file);
  const pcm = new Int16Array(16000);
  floatToInt16(clip, pcm);
  const out = new Uint16Array(gen.frames * gen.channels);
  gen.process(pcm, out);
  return out;
}

test('each row of x is the frontend output of its clip (no trim, offset 0), [frames, channels, 1] float32', async () => {
  const out = join(tempDir(), 'out');
  await build(
    makeConfig(dataset, out, {
      generator: { frontend_enabled: true, debug: true, trim_threshold_db: null, disable_random_transforms: true },
      frontend,
    }),
  );
  const { m, x, csv } = rows(out);
  assert.deepEqual(m.sample_shape, [49, 40, 1]);
  assert.equal(m.frontend.variant, 'mltk');
  assert.equal(m.frontend.output_dtype, 'float32');
  assert.equal(x.dtype, 'float32');
  assert.deepEqual(x.shape, [8, 49, 40, 1]);
  for (const [i, row] of csv.entries()) {
    const want = expectedUint16(row[3]);
    assert.deepEqual(x.data.subarray(i * 1960, (i + 1) * 1960), Float32Array.from(want), `row ${i} (${row[3]})`);
  }
});

test('int8 output without the channel dimension holds the frontend int8 values', async () => {
  const out = join(tempDir(), 'out');
  await build(
    makeConfig(dataset, out, {
      generator: {
        frontend_enabled: true,
        debug: true,
        trim_threshold_db: null,
        disable_random_transforms: true,
        dtype: 'int8',
        add_channel_dimension: false,
      },
      frontend,
    }),
  );
  const { m, x, csv } = rows(out);
  assert.deepEqual(m.sample_shape, [49, 40]);
  assert.equal(x.dtype, 'int8');
  const gen = new AudioFeatureGenerator(makeConfig(dataset, '/o', { frontend }).frontend);
  const want = new Int8Array(1960);
  gen.toInt8(expectedUint16(csv[0][3]), want);
  assert.deepEqual(x.data.subarray(0, 1960), want);
});

test('samplewise_normalize_range scales every spectrogram to the range', async () => {
  const out = join(tempDir(), 'out');
  await build(
    makeConfig(dataset, out, {
      generator: { frontend_enabled: true, debug: true, samplewise_normalize_range: [0, 1] },
      frontend,
    }),
  );
  const { x } = rows(out);
  for (let i = 0; i < x.shape[0]; i++) {
    const row = x.data.subarray(i * 1960, (i + 1) * 1960) as Float32Array;
    assert.equal(Math.min(...row), 0);
    assert.equal(Math.max(...row), 1);
  }
});

/** The cells of a 49 x 40 row the CSV's masks cover ("start:width;..." per axis). */
function maskedCells(timeMasks: string, freqMasks: string): (f: number, c: number) => boolean {
  const parse = (s: string) => (s === '' ? [] : s.split(';').map((m) => m.split(':').map(Number)));
  const time = parse(timeMasks);
  const freq = parse(freqMasks);
  return (f, c) => time.some(([s, w]) => f >= s && f < s + w) || freq.some(([s, w]) => c >= s && c < s + w);
}

test('SpecAugment masks lie in x where the index CSV says, filled before normalization; other cells untouched', async () => {
  const out = join(tempDir(), 'out');
  const spec_augment = {
    time_masks: 2,
    time_mask_max_frames: 10,
    freq_masks: 2,
    freq_mask_max_channels: 8,
    mask_value: 1000,
  };
  await build(
    makeConfig(dataset, out, {
      generator: {
        frontend_enabled: true,
        debug: true,
        trim_threshold_db: null,
        offset_range: [0, 0],
        frontend_dtype: 'uint16',
        rescale: 0.5,
        spec_augment,
      },
      frontend,
    }),
  );
  const { m, x, csv } = rows(out);
  const header = parseCsv(readFileSync(join(out, m.subsets.training.epochs[0].shards[0].index.path), 'utf8'))[0];
  assert.deepEqual(header.slice(-2), ['time_masks', 'freq_masks']);
  assert.deepEqual(m.index_columns.slice(-2), ['time_masks', 'freq_masks']);
  let masked = 0;
  for (const [i, row] of csv.entries()) {
    const want = expectedUint16(row[3]);
    const inMask = maskedCells(row[row.length - 2], row[row.length - 1]);
    for (let f = 0; f < 49; f++)
      for (let c = 0; c < 40; c++) {
        const k = f * 40 + c;
        // The mask value is in the frontend's units: rescale (a normalization) halves it like every other cell.
        const expected = inMask(f, c) ? 500 : want[k] * 0.5;
        if (inMask(f, c)) masked++;
        assert.equal(x.data[i * 1960 + k], expected, `row ${i} frame ${f} channel ${c}`);
      }
  }
  assert.ok(masked > 0);
});

test('an int8 spectrogram masked with its mean holds the mean of the unmasked int8 values, rounded', async () => {
  const out = join(tempDir(), 'out');
  await build(
    makeConfig(dataset, out, {
      generator: {
        frontend_enabled: true,
        debug: true,
        trim_threshold_db: null,
        offset_range: [0, 0],
        dtype: 'int8',
        spec_augment: { time_masks: 1, time_mask_max_frames: 20 },
      },
      frontend,
    }),
  );
  const { x, csv } = rows(out);
  const gen = new AudioFeatureGenerator(makeConfig(dataset, '/o', { frontend }).frontend);
  let checked = 0;
  for (const [i, row] of csv.entries()) {
    const want = new Int8Array(1960);
    gen.toInt8(expectedUint16(row[3]), want);
    const mean = want.reduce((a, v) => a + v, 0) / want.length;
    const [start, width] = row[row.length - 2].split(':').map(Number);
    assert.equal(row[row.length - 1], '', 'no frequency masks asked');
    for (let k = 0; k < 1960; k++) {
      const f = Math.floor(k / 40);
      const expected = f >= start && f < start + width ? Math.round(mean) : want[k];
      assert.equal(x.data[i * 1960 + k], expected, `row ${i} cell ${k}`);
    }
    if (width > 0) checked++;
  }
  assert.ok(checked > 0);
});

const mfcc = { type: 'mfcc', window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40, n_mfcc: 13 };

test('with a float frontend each row is its float32 features of the clip, and the normalizations apply to them', async () => {
  const generator = { frontend_enabled: true, debug: true, trim_threshold_db: null, disable_random_transforms: true };
  const out = join(tempDir(), 'out');
  await build(makeConfig(dataset, out, { generator, frontend: mfcc }));
  const { m, x, csv } = rows(out);
  assert.deepEqual(m.sample_shape, [51, 13, 1]);
  assert.equal(m.frontend.type, 'mfcc');
  assert.equal(m.frontend.output_dtype, 'float32');
  assert.deepEqual(x.shape, [8, 51, 13, 1]);
  const f = new LogMelFrontend(makeConfig(dataset, '/o', { frontend: mfcc }).frontend as FloatFrontendSettings);
  const want = new Float32Array(51 * 13);
  for (const [i, row] of csv.entries()) {
    f.process(clipOf(row[3]), want);
    assert.deepEqual(x.data.subarray(i * 663, (i + 1) * 663), want, `row ${i} (${row[3]})`);
  }

  const centred = join(tempDir(), 'out');
  await build(
    makeConfig(dataset, centred, {
      generator: { ...generator, samplewise_center: true, add_channel_dimension: false, dtype: 'float64' },
      frontend: mfcc,
    }),
  );
  const c = rows(centred);
  assert.deepEqual(c.x.shape, [8, 51, 13]);
  for (let i = 0; i < 8; i++) {
    const row = c.x.data.subarray(i * 663, (i + 1) * 663) as Float64Array;
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    assert.ok(Math.abs(mean) < 1e-4, `row ${i}: mean ${mean}`);
    // Centring moved every value of the row by the same amount.
    const raw = x.data.subarray(i * 663, (i + 1) * 663);
    assert.ok(Math.abs(row[5] - row[0] - (raw[5] - raw[0])) < 1e-3);
  }
});

test('log-mel shards are byte-identical with 1 and 2 workers', async () => {
  const root = tempDir();
  const shards = async (cores: number) => {
    const out = join(root, String(cores));
    await build(
      makeConfig(dataset, out, {
        generator: { frontend_enabled: true, cores, loudness_range: [0.5, 1.5], speed_range: [0.9, 1.1] },
        frontend: { type: 'log_mel', log: 'ln' },
        dataset: { batch_size: 3 },
        output: { samples_per_shard: 5 },
      }),
    );
    const tree = readTree(out);
    return Object.fromEntries(Object.entries(tree).filter(([k]) => k.endsWith('.npy') || k.endsWith('.csv')));
  };
  const one = await shards(1);
  assert.ok(Object.keys(one).length >= 4);
  assert.deepEqual(await shards(2), one);
});
