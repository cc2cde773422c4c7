// The sampler behind render and preview: any sample of a built dataset, re-made in this process, is the row the build
// wrote, with the parameters its index recorded; positions outside the build are refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sampler } from '../../src/cli/sampler.js';
import { loadCommandConfig } from '../../src/cli/options.js';
import { readBuiltManifest } from '../../src/build/read-manifest.js';
import { decodeNpy } from '../../src/io/npy.js';
import { parseCsv } from '../../src/io/csv.js';
import { PARAM_COLUMNS } from '../../src/sample/params.js';
import { runCli, tempDir, writeConfig } from '../helpers.js';
import { augmented, augmentedDataset } from './support.js';

const dir = tempDir();
const file = writeConfig(dir, {
  dataset: { directory: augmentedDataset(), classes: ['yes', 'no', '_unknown_', '_silence_'], batch_size: 4 },
  generator: { cores: 1, validation_split: 0.3, ...augmented },
  frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
  output: { directory: join(dir, 'out'), epochs: 2, samples_per_shard: 5 },
});
const built = runCli(['build', '--config', file, '--quiet']);
const out = join(dir, 'out');

/** Row `position` of the built shard that holds it, and its index CSV row (column name -> value). */
function builtRow(subset: string, epoch: number, position: number): { row: Uint8Array; index: Record<string, string> } {
  const shard = Math.floor(position / 5);
  const folder = join(out, subset, `epoch-00${epoch}`);
  const x = decodeNpy(readFileSync(join(folder, `x-00${shard}.npy`)));
  const n = x.data.length / x.shape[0];
  const data = x.data.subarray((position - shard * 5) * n, (position - shard * 5 + 1) * n);
  const [header, ...rows] = parseCsv(readFileSync(join(folder, `index-00${shard}.csv`), 'utf8'));
  const fields = rows.find((r) => r[0] === String(position))!;
  return {
    row: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    index: Object.fromEntries(header.map((h, i) => [h, fields[i]])),
  };
}

test('a rendered row equals the built shard\u2019s row, with the parameters and file the index recorded', async () => {
  assert.equal(built.code, 0, built.stderr);
  const sampler = await Sampler.open(loadCommandConfig(file).config);
  assert.equal(sampler.datasetHash, readBuiltManifest(out).dataset_hash);
  for (const [subset, epoch, position] of [
    ['training', 0, 0],
    ['training', 1, 9],
    ['training', 1, 13],
    ['validation', 0, 4],
    ['validation', 1, 1],
  ] as const) {
    const r = sampler.render(subset, epoch, position);
    const want = builtRow(subset, epoch, position);
    assert.deepEqual([r.subset, r.epoch, r.position, r.item.position], [subset, epoch, position, position]);
    assert.deepEqual(
      new Uint8Array(r.row.buffer, r.row.byteOffset, r.row.byteLength),
      want.row,
      `${subset} ${epoch} ${position}`,
    );
    assert.equal(r.item.file ?? '', want.index.file);
    assert.equal(String(r.item.label), want.index.label);
    for (const c of PARAM_COLUMNS)
      assert.equal(String(r.params[c]), want.index[c], `${subset} ${epoch} ${position} ${c}`);
    assert.equal(r.audio!.length, 16000);
  }
});

test('a position, epoch or subset outside the build is refused, naming what exists', async () => {
  assert.equal(built.code, 0, built.stderr);
  const config = loadCommandConfig(file).config;
  const sampler = await Sampler.open(config);
  const training = sampler.plan.subsets.find((s) => s.subset === 'training')!.samples.length;
  assert.throws(
    () => sampler.render('training', 2, 0),
    /^AudiogenError: epoch 2 does not exist: the build has epochs 0\.\.1$/,
  );
  assert.throws(() => sampler.render('training', 0.5, 0), /epoch 0\.5 does not exist/);
  assert.throws(
    () => sampler.render('training', 0, training),
    new RegExp(`^AudiogenError: position ${training} does not exist: training has positions 0\\.\\.${training - 1}$`),
  );
  assert.throws(() => sampler.render('training', 0, -1), /position -1 does not exist/);
  const trainingOnly = await Sampler.open({ ...config, output: { ...config.output, subsets: ['training'] } });
  assert.throws(
    () => trainingOnly.render('validation', 0, 0),
    /^AudiogenError: subset validation is not part of this build \(training\)$/,
  );
});
