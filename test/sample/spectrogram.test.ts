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
import { demoSubset, makeConfig, tempDir } from '../helpers.js';

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

function expectedUint16(file: string): Uint16Array {
  const gen = new AudioFeatureGenerator(makeConfig(dataset, '/o', { frontend }).frontend);
  const audio = decodeWav(readFileSync(join(dataset, file)));
  const clip = new Float32Array(16000);
  placeClip(resample(mixToMono(audio), audio.sampleRate, 16000), clip, 0);
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
