// Values derived from a config: frontend framing, sample shapes, frontend dtype, subsets, worker counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontendSchema, type FrontendSettings } from '../../src/config/schema.js';
import {
  frontendDtypeOf,
  frontendShape,
  isFloatFrontend,
  sampleShapeOf,
  subsetsOf,
  workerCount,
} from '../../src/config/derive.js';
import { makeConfig } from '../helpers.js';

const settings = (over: Partial<FrontendSettings> = {}): FrontendSettings => frontendSchema.parse(over);

test('derives samples, frames and channels like the reference wrapper', () => {
  assert.deepEqual(frontendShape(settings()), { samples: 16000, frames: 98, channels: 32 });
  assert.deepEqual(frontendShape(settings({ window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 })), {
    samples: 16000,
    frames: 49,
    channels: 40,
  });
  // 44.1 kHz: 25 ms = 1102 samples, 10 ms = 441, 1 s = 44100 -> (44100 - 1102) div 441 + 1 = 98.
  assert.deepEqual(frontendShape(settings({ sample_rate_hz: 44100, filterbank_upper_band_limit: 7500 })).frames, 98);
});

test('a sample is [frames, channels, 1] for spectrograms (or without the channel dimension), sample_shape or [samples] for audio', () => {
  const spectrogram = (generator: Record<string, unknown>) =>
    makeConfig('/d', '/o', { generator: { frontend_enabled: true, ...generator } });
  assert.deepEqual(sampleShapeOf(spectrogram({})), [98, 32, 1]);
  assert.deepEqual(sampleShapeOf(spectrogram({ add_channel_dimension: false })), [98, 32]);
  assert.deepEqual(sampleShapeOf(makeConfig('/d', '/o')), [16000]);
  assert.deepEqual(sampleShapeOf(makeConfig('/d', '/o', { generator: { sample_shape: [100, 160] } })), [100, 160]);
});

test('the frontend dtype is frontend_dtype, else dtype when the frontend makes it, else float32', () => {
  const of = (generator: Record<string, unknown>) =>
    frontendDtypeOf(makeConfig('/d', '/o', { generator: { frontend_enabled: true, ...generator } }));
  assert.equal(of({}), 'float32');
  assert.equal(of({ dtype: 'int8' }), 'int8');
  assert.equal(of({ dtype: 'uint16' }), 'uint16');
  assert.equal(of({ dtype: 'int16' }), 'float32');
  assert.equal(of({ dtype: 'int16', frontend_dtype: 'uint16' }), 'uint16');
});

test('subsets default to training, plus validation with a validation split; workers are exact counts or a fraction of the CPUs', () => {
  assert.deepEqual(subsetsOf(makeConfig('/d', '/o')), ['training']);
  assert.deepEqual(subsetsOf(makeConfig('/d', '/o', { generator: { validation_split: 0.1 } })), [
    'training',
    'validation',
  ]);
  assert.deepEqual(
    subsetsOf(makeConfig('/d', '/o', { generator: { validation_split: 0.1 }, output: { subsets: ['validation'] } })),
    ['validation'],
  );
  assert.equal(workerCount(3, 2), 3);
  assert.equal(workerCount(0.5, 8), 4);
  assert.equal(workerCount(0.25, 2), 1, 'at least one');
});

test('the float frontends count frames as librosa: the FFTs that fit, or one per step started when centred', () => {
  const float = (over: Record<string, unknown>) => frontendShape(frontendSchema.parse({ type: 'log_mel', ...over }));
  // The conformance settings: 97 frames (the window rule would give 98), 51 centred.
  assert.deepEqual(
    float({ window_size_ms: 25, window_step_ms: 10, fft_length: 512, center: false, filterbank_n_channels: 40 }),
    {
      samples: 16000,
      frames: 97,
      channels: 40,
    },
  );
  assert.deepEqual(
    frontendShape(frontendSchema.parse({ type: 'mfcc', window_size_ms: 30, window_step_ms: 20, n_mfcc: 13 })),
    {
      samples: 16000,
      frames: 51,
      channels: 13,
    },
  );
  assert.equal(float({ center: false, fft_length: 32768, window_size_ms: 25 }).frames, 0, 'no FFT fits');
  const spectrogram = (frontend: Record<string, unknown>, generator: Record<string, unknown> = {}) =>
    makeConfig('/d', '/o', { generator: { frontend_enabled: true, ...generator }, frontend });
  assert.deepEqual(sampleShapeOf(spectrogram({ type: 'mfcc', n_mfcc: 13, window_step_ms: 20 })), [51, 13, 1]);
  assert.deepEqual(sampleShapeOf(spectrogram({ type: 'log_mel' }, { add_channel_dimension: false })), [101, 32]);
  // Float features are float32 whatever x's dtype (which they are cast to).
  assert.equal(frontendDtypeOf(spectrogram({ type: 'log_mel' }, { dtype: 'int8' })), 'float32');
  assert.equal(isFloatFrontend(spectrogram({ type: 'log_mel' }).frontend), true);
  assert.equal(isFloatFrontend(spectrogram({}).frontend), false);
});

test('testing joins the default subsets when a testing split, list or subset column gives it samples', () => {
  const of = (parts: Parameters<typeof makeConfig>[2]) => subsetsOf(makeConfig('/d', '/o', parts));
  assert.deepEqual(of({ generator: { testing_split: 0.1 } }), ['training', 'testing']);
  assert.deepEqual(of({ generator: { validation_split: 0.1, testing_split: 0.1 } }), [
    'training',
    'validation',
    'testing',
  ]);
  assert.deepEqual(of({ dataset: { split_lists: { testing: 'testing_list.txt' } } }), ['training', 'testing']);
  assert.deepEqual(of({ dataset: { split_lists: { validation: 'v.txt', testing: 't.txt' } } }), [
    'training',
    'validation',
    'testing',
  ]);
  const columns = { path: 'LINK', label: 'WORD', subset: 'SET' };
  assert.deepEqual(of({ dataset: { manifest: 'm.csv', columns } }), ['training', 'validation', 'testing']);
  assert.deepEqual(
    of({ dataset: { manifest: 'm.csv', columns, subset_names: { training: 'TRAIN', testing: 'TEST' } } }),
    ['training', 'testing'],
  );
  // Without a subset column a manifest splits like folders.
  assert.deepEqual(of({ dataset: { manifest: 'm.csv', columns: { path: 'p', label: 'l' } } }), ['training']);
});

test('the manifest and split lists are found relative to the dataset directory unless absolute', () => {
  const c = makeConfig('/data/sc', '/o', {
    dataset: { split_lists: { validation: 'validation_list.txt', testing: '/lists/t.txt' } },
  });
  assert.deepEqual(c.dataset.split_lists, { validation: '/data/sc/validation_list.txt', testing: '/lists/t.txt' });
  const m = makeConfig('/data/mswc/en/clips', '/o', {
    dataset: { manifest: '../../en_splits.csv', columns: { path: 'LINK', label: 'WORD' } },
  });
  assert.equal(m.dataset.manifest, '/data/mswc/en_splits.csv');
});
