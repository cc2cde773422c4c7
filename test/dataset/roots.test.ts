// The configured folders exist before anything is listed: a missing one is a config error naming the key and the path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { makeConfig, tempDir } from '../helpers.js';
import { dataset } from './support.js';

/** The ConfigError `err` must be, with exactly these lines. */
const configError = (lines: string[]) => (err: unknown) => {
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.exitCode, 2);
  assert.deepEqual(err.problems, lines);
  return true;
};

test('a missing dataset directory is a config error naming the key; a Speech Commands path says what to download', async () => {
  const root = tempDir();
  await assert.rejects(listDataset(makeConfig(join(root, 'data'), '/tmp/o'), { write: false }), configError([`dataset.directory: ${root}/data does not exist`]));
  const sc = join(root, 'speech_commands_v0.02');
  await assert.rejects(listDataset(makeConfig(sc, '/tmp/o'), { write: false }), configError([
    `dataset.directory: ${sc} does not exist`,
    `dataset.directory: download Speech Commands v2 from http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz and extract it there (mkdir -p ${sc} && tar -xzf speech_commands_v0.02.tar.gz -C ${sc}), or set dataset.directory to where it is`,
  ]));
  writeFileSync(join(root, 'file'), 'x');
  await assert.rejects(listDataset(makeConfig(join(root, 'file'), '/tmp/o'), { write: false }), configError([`dataset.directory: ${root}/file is not a folder`]));
});

test('a missing class folder or bg_noise_dir is a config error naming the key and the path', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  writeFileSync(join(dir, 'left'), 'not a folder');
  await assert.rejects(listDataset(makeConfig(dir, '/tmp/o', { dataset: { classes: ['yes', 'no', 'up'] } }), { write: false }), configError([`dataset.classes[2]: no folder "up" in ${dir}`]));
  await assert.rejects(listDataset(makeConfig(dir, '/tmp/o', { dataset: { classes: ['yes', 'left'] } }), { write: false }), configError([`dataset.classes[1]: "left" in ${dir} is not a folder`]));
  const noise = { bg_noise_dir: 'noise', bg_noise_range: [0, 0.1] };
  await assert.rejects(listDataset(makeConfig(dir, '/tmp/o', { generator: noise }), { write: false }), configError([`generator.bg_noise_dir: ${dir}/noise does not exist`]));
});
