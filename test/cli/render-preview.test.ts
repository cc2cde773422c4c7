import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng } from '../../src/preview/png.js';
import { decodeWav } from '../../src/audio/wav.js';
import { DEMO_DATASET, demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no', 'cat'], 10);
mkdirSync(join(dataset, '_background_noise_'));
for (const f of readdirSync(join(DEMO_DATASET, '_background_noise_'))) copyFileSync(join(DEMO_DATASET, '_background_noise_', f), join(dataset, '_background_noise_', f));

const augmented = {
  loudness_range: [0.6, 1.4],
  noise_colors: 'all',
  noise_color_range: [0, 0.05],
  bg_noise_dir: '_background_noise_',
  bg_noise_range: [0, 0.3],
  speed_range: [0.9, 1.1],
  pitch_range: [-2, 2],
  vtlp_range: [0.9, 1.1],
};

test('render re-creates samples of a built dataset byte for byte, with every augmentation on', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no', '_unknown_', '_silence_'], batch_size: 4 },
    generator: { cores: 1, validation_split: 0.3, ...augmented },
    frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
    output: { directory: join(dir, 'out'), epochs: 2, samples_per_shard: 5 },
  });
  const b = runCli(['build', '--config', config, '--quiet']);
  assert.equal(b.code, 0, b.stderr);
  for (const [subset, epoch, position] of [['training', 1, 0], ['training', 0, 7], ['validation', 1, 2]] as const) {
    const r = runCli(['render', join(dir, 'out'), '--subset', subset, '--epoch', String(epoch), '--position', String(position), '--to', join(dir, 'r'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.matches_shard, true, JSON.stringify(report));
    const csv = readFileSync(join(dir, 'out', subset, `epoch-00${epoch}`, `index-00${Math.floor(position / 5)}.csv`), 'utf8').trim().split('\n');
    const row = csv.find((l) => l.startsWith(`${position},`))!;
    assert.ok(row.includes(String(report.params.offset)), `CSV row ${row} records offset ${report.params.offset}`);
    if (report.file !== null) {
      const wav = decodeWav(readFileSync(report.written[0]));
      assert.equal(wav.channels[0].length, 16000);
    }
  }
  const bad = runCli(['render', join(dir, 'out'), '--subset', 'training', '--epoch', '5', '--position', '0', '--to', join(dir, 'r')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /epoch 5 does not exist: the build has epochs 0\.\.1/);
});

test('render refuses a build whose dataset changed since', () => {
  const dir = tempDir();
  const data = demoSubset(join(dir, 'data'), ['yes', 'no'], 2);
  const config = writeConfig(dir, {
    dataset: { directory: data, classes: ['yes', 'no'] },
    generator: { cores: 1, frontend_enabled: false },
    output: { directory: join(dir, 'out') },
  });
  assert.equal(runCli(['build', '--config', config, '-q']).code, 0);
  writeFileSync(join(data, 'yes', 'new_nohash_0.wav'), readFileSync(join(DEMO_DATASET, 'yes', readdirSync(join(DEMO_DATASET, 'yes'))[0])));
  const r = runCli(['render', join(dir, 'out'), '--subset', 'training', '--epoch', '0', '--position', '0', '--to', join(dir, 'r')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /dataset \(or hooks module\) changed since/);
});

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
  assert.deepEqual(files.filter((f) => f.endsWith('.wav')), ['_silence_-0.wav', '_silence_-1.wav', '_unknown_-0.wav', '_unknown_-1.wav', 'no-0.wav', 'no-1.wav', 'yes-0.wav', 'yes-1.wav']);
  const csv = readFileSync(join(dir, 'p', 'index.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 9);
  assert.match(csv[0], /^wav,position,label,class,file,offset,speed,pitch,vtlp,loudness,noise,noise_factor,bg_file,bg_offset$/);
  const png = decodePng(readFileSync(join(dir, 'p', 'grid.png')));
  assert.ok(png.width > 2 * 49 * 3 && png.height > 4 * 40 * 3, `${png.width}x${png.height}`);
  const silence = decodeWav(readFileSync(join(dir, 'p', '_silence_-0.wav'))).channels[0];
  assert.ok(silence.some((v) => v !== 0), 'silence gets noise like every other sample');
});
