// `audiogen preview` through the shipped bin: WAVs, an index and a grid per class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng } from '../../src/preview/png.js';
import { decodeWav } from '../../src/audio/wav.js';
import { describeParams } from '../../src/cli/preview.js';
import { parseCsv } from '../../src/io/csv.js';
import { IDENTITY } from '../../src/sample/params.js';
import { FIXTURES, runCli, tempDir, writeConfig } from '../helpers.js';
import { augmented, augmentedDataset } from './support.js';

const dataset = augmentedDataset();

test('preview writes N WAVs per class, an index of their parameters and a PNG grid of their spectrograms', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no', '_unknown_', '_silence_'] },
    generator: { ...augmented },
    frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
    output: { directory: join(dir, 'out') },
  });
  const r = runCli(['preview', '--config', config, '--count', '2', '--out', join(dir, 'p')]);
  assert.equal(r.code, 0, r.stderr);
  const files = readdirSync(join(dir, 'p')).sort();
  assert.deepEqual(
    files.filter((f) => f.endsWith('.wav')),
    [
      '_silence_-0.wav',
      '_silence_-1.wav',
      '_unknown_-0.wav',
      '_unknown_-1.wav',
      'no-0.wav',
      'no-1.wav',
      'yes-0.wav',
      'yes-1.wav',
    ],
  );
  const csv = readFileSync(join(dir, 'p', 'index.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(csv.length, 9);
  assert.match(
    csv[0],
    /^wav,position,label,class,file,offset,speed,pitch,vtlp,loudness,noise,noise_factor,bg_file,bg_offset$/,
  );
  const png = decodePng(readFileSync(join(dir, 'p', 'grid.png')));
  assert.ok(png.width > 2 * 49 * 3 && png.height > 4 * 40 * 3, `${png.width}x${png.height}`);
  const silence = decodeWav(readFileSync(join(dir, 'p', '_silence_-0.wav'))).channels[0];
  assert.ok(
    silence.some((v) => v !== 0),
    'silence gets noise like every other sample',
  );
});

test('preview names each sample\u2019s room impulse response and masks in the grid\u2019s labels and its index', () => {
  const p = {
    ...IDENTITY,
    offset: 0.25,
    rir_file: 'rooms/hall.wav',
    time_masks: [
      [3, 4],
      [9, 0],
    ],
    freq_masks: [[0, 0]],
  } as const;
  assert.deepEqual(describeParams(p), ['offset 0.25', 'rir rooms/hall.wav', 'tmask 3:4']);
  assert.deepEqual(
    describeParams({
      ...p,
      rir_file: '',
      freq_masks: [
        [2, 5],
        [30, 1],
      ],
    }),
    ['offset 0.25', 'tmask 3:4', 'fmask 2:5 30:1'],
  );
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: {
      rir_dir: join(FIXTURES, 'rir'),
      rir_probability: 1,
      spec_augment: { time_masks: 1, time_mask_max_frames: 5 },
    },
    frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
    output: { directory: join(dir, 'out') },
  });
  const r = runCli(['preview', '--config', config, '--count', '1', '--out', join(dir, 'p')]);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = parseCsv(readFileSync(join(dir, 'p', 'index.csv'), 'utf8'));
  assert.deepEqual(header.slice(-3), ['rir_file', 'time_masks', 'freq_masks']);
  for (const row of rows) {
    assert.match(row[header.indexOf('rir_file')], /^(small-room|hall)-rt60-.*\.wav$/);
    assert.match(row[header.indexOf('time_masks')], /^\d+:\d$/);
    assert.equal(row[header.indexOf('freq_masks')], '');
  }
});

test('preview draws float spectrograms (log-mel in dB, negative values) into the grid', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { ...augmented },
    frontend: { type: 'log_mel', window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
    output: { directory: join(dir, 'out') },
  });
  const r = runCli(['preview', '--config', config, '--count', '1', '--out', join(dir, 'p')]);
  assert.equal(r.code, 0, r.stderr);
  const png = decodePng(readFileSync(join(dir, 'p', 'grid.png')));
  assert.ok(png.height > 2 * 40 * 3, `${png.width}x${png.height}`);
  // The viridis gradients of real spectrograms: far more colours than the text, frames and placeholders use.
  const colours = new Set<number>();
  for (let i = 0; i < png.rgb.length; i += 3) colours.add((png.rgb[i] << 16) | (png.rgb[i + 1] << 8) | png.rgb[i + 2]);
  assert.ok(colours.size > 100, `${colours.size} colours`);
});

test('preview --subset testing shows testing samples as recorded; a config without testing samples is refused', () => {
  const dir = tempDir();
  const write = (generator: Record<string, unknown>) =>
    writeConfig(dir, {
      dataset: { directory: dataset, classes: ['yes', 'no'] },
      generator: { ...augmented, ...generator },
      frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
      output: { directory: join(dir, 'out') },
    });
  const r = runCli([
    'preview',
    '--config',
    write({ testing_split: 0.4 }),
    '--subset',
    'testing',
    '--count',
    '1',
    '--out',
    join(dir, 'p'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const rows = readFileSync(join(dir, 'p', 'index.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  assert.equal(rows.length, 2);
  for (const row of rows) assert.match(row, /,0,1,0,1,1,none,0,,0$/);
  const none = runCli(['preview', '--config', write({}), '--subset', 'testing', '--out', join(dir, 'q')]);
  assert.equal(none.code, 2);
  assert.match(
    none.stderr,
    /--subset testing: the config gives testing no samples \(no testing split, list or subset column\)/,
  );
  const bad = runCli(['preview', '--config', write({}), '--subset', 'test', '--out', join(dir, 'q')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--subset: expected training, validation or testing, got "test"/);
});
