// The configured folders exist before anything is listed: a missing one is a config error naming the key and the path
// (with where to download Speech Commands when the path is named like it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDataset } from '../../src/dataset/dataset.js';
import {
  MSWC_URL,
  SPEECH_COMMANDS_URL,
  checkClassFolder,
  checkDatasetDirectory,
  checkGeneratorFolder,
} from '../../src/dataset/roots.js';
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
  await assert.rejects(
    listDataset(makeConfig(join(root, 'data'), '/tmp/o'), { write: false }),
    configError([`dataset.directory: ${root}/data does not exist`]),
  );
  const sc = join(root, 'speech_commands_v0.02');
  await assert.rejects(
    listDataset(makeConfig(sc, '/tmp/o'), { write: false }),
    configError([
      `dataset.directory: ${sc} does not exist`,
      `dataset.directory: download Speech Commands v2 from http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz and extract it there (mkdir -p ${sc} && tar -xzf speech_commands_v0.02.tar.gz -C ${sc}), or set dataset.directory to where it is`,
    ]),
  );
  writeFileSync(join(root, 'file'), 'x');
  await assert.rejects(
    listDataset(makeConfig(join(root, 'file'), '/tmp/o'), { write: false }),
    configError([`dataset.directory: ${root}/file is not a folder`]),
  );
});

test('a missing class folder or bg_noise_dir is a config error naming the key and the path', async () => {
  const dir = dataset({ yes: 2, no: 2 });
  writeFileSync(join(dir, 'left'), 'not a folder');
  await assert.rejects(
    listDataset(makeConfig(dir, '/tmp/o', { dataset: { classes: ['yes', 'no', 'up'] } }), { write: false }),
    configError([`dataset.classes[2]: no folder "up" in ${dir}`]),
  );
  await assert.rejects(
    listDataset(makeConfig(dir, '/tmp/o', { dataset: { classes: ['yes', 'left'] } }), { write: false }),
    configError([`dataset.classes[1]: "left" in ${dir} is not a folder`]),
  );
  const noise = { bg_noise_dir: 'noise', bg_noise_range: [0, 0.1] };
  await assert.rejects(
    listDataset(makeConfig(dir, '/tmp/o', { generator: noise }), { write: false }),
    configError([`generator.bg_noise_dir: ${dir}/noise does not exist`]),
  );
});

test('a folder, or a link to one, passes each check; what lies under a file does not exist', () => {
  const root = tempDir();
  const dir = dataset({ yes: 1 });
  symlinkSync(dir, join(root, 'linked'));
  assert.doesNotThrow(() => checkDatasetDirectory(join(root, 'linked')));
  assert.doesNotThrow(() => checkClassFolder(dir, ['yes'], 'yes'));
  assert.doesNotThrow(() => checkGeneratorFolder('generator.bg_noise_dir', join(dir, 'yes')));
  writeFileSync(join(root, 'file'), 'x');
  assert.throws(
    () => checkDatasetDirectory(join(root, 'file', 'data')),
    configError([`dataset.directory: ${root}/file/data does not exist`]),
  );
  assert.throws(
    () => checkGeneratorFolder('generator.bg_noise_dir', join(root, 'file')),
    configError([`generator.bg_noise_dir: ${root}/file is not a folder`]),
  );
  assert.throws(
    () => checkGeneratorFolder('generator.rir_dir', join(root, 'file')),
    configError([`generator.rir_dir: ${root}/file is not a folder`]),
  );
});

test('the problems carry their key as a path (validate --json), and a class is named by its place in classes', () => {
  const root = tempDir();
  try {
    checkClassFolder(root, ['yes', 'no', 'up'], 'up');
    assert.fail('expected a config error');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.details, [{ path: 'dataset.classes[2]', message: `no folder "up" in ${root}` }]);
  }
});

test('a path named like Speech Commands, in any spelling, says where to download it', () => {
  const root = tempDir();
  for (const name of ['speech_commands', 'SpeechCommands', 'speech-commands-v2', 'data_speech_commands_v0.02']) {
    assert.throws(
      () => checkDatasetDirectory(join(root, name)),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 2, name);
        assert.ok(err.problems[1].includes(SPEECH_COMMANDS_URL), err.problems[1]);
        return true;
      },
    );
  }
  assert.throws(
    () => checkDatasetDirectory(join(root, 'speech')),
    configError([`dataset.directory: ${root}/speech does not exist`]),
  );
});

test('a path inside a folder named mswc says where MSWC comes from; a word merely containing it does not', () => {
  const root = tempDir();
  assert.throws(
    () => checkDatasetDirectory(join(root, 'mswc', 'en', 'clips')),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 2);
      assert.ok(err.problems[1].includes(MSWC_URL), err.problems[1]);
      return true;
    },
  );
  assert.throws(
    () => checkDatasetDirectory(join(root, 'mswcx')),
    configError([`dataset.directory: ${root}/mswcx does not exist`]),
  );
});
