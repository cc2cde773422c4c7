// The flags commands share: numbers parsed strictly, the override flags turned into config overrides, and a config
// loaded with every room's rules, its warnings printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  addConfigOverrideFlags,
  loadCommandConfig,
  loadConfigWarned,
  overridesFrom,
  toNumber,
} from '../../src/cli/options.js';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir, writeConfig } from '../helpers.js';
import { stderrOf } from './support.js';

test('toNumber parses what Number() reads as a finite number and refuses the rest naming the flag', () => {
  const epochs = toNumber('--epochs');
  assert.deepEqual(['3', '0.25', '1e3', '-2', ' 7 ', '0x10'].map(epochs), [3, 0.25, 1000, -2, 7, 16]);
  for (const bad of ['', '  ', 'many', '3 epochs', 'Infinity', '-Infinity', 'NaN', '1e400']) {
    assert.throws(
      () => epochs(bad),
      (err: unknown) =>
        err instanceof InvalidArgumentError && err.message === `--epochs expects a number, got "${bad}"`,
      bad,
    );
  }
});

test('overridesFrom turns each given flag into an override of its key, naming the flag; --out is resolved here', () => {
  assert.deepEqual(overridesFrom({}), []);
  assert.deepEqual(overridesFrom({ out: 'baked', epochs: 3, cores: 0.5, seed: 0 }), [
    { path: ['output', 'directory'], value: resolve('baked'), flag: '--out' },
    { path: ['output', 'epochs'], value: 3, flag: '--epochs' },
    { path: ['generator', 'cores'], value: 0.5, flag: '--cores' },
    { path: ['dataset', 'seed'], value: 0, flag: '--seed' },
  ]);
  assert.deepEqual(overridesFrom({ out: '/abs/out' }), [
    { path: ['output', 'directory'], value: '/abs/out', flag: '--out' },
  ]);
});

test('the override flags parse numbers on the command line and refuse a bad one naming it', () => {
  const cmd = () => addConfigOverrideFlags(new Command('x').exitOverride().configureOutput({ writeErr: () => {} }));
  const parsed = cmd().parse(['--out', 'o', '--epochs', '3', '--cores', '0.5', '--seed', '9'], { from: 'user' }).opts();
  assert.deepEqual(parsed, { out: 'o', epochs: 3, cores: 0.5, seed: 9 });
  assert.throws(
    () => cmd().parse(['--seed', 'x'], { from: 'user' }),
    (err: unknown) => err instanceof CommanderError && /--seed expects a number, got "x"/.test(err.message),
  );
});

const base = (dir: string, frontend: object = {}, extra: { dataset?: object; generator?: object } = {}) =>
  writeConfig(
    dir,
    {
      dataset: { directory: dir, classes: ['yes'], ...extra.dataset },
      generator: { ...extra.generator },
      frontend,
      output: { directory: join(dir, 'out') },
    },
    'kws.yaml',
  );

test('a command\u2019s config gets the frontend\u2019s rules too, which the config loader alone does not know', () => {
  const file = base(tempDir(), { window_size_ms: 1000, sample_length_ms: 500 });
  assert.doesNotThrow(() => loadConfig(file));
  assert.throws(
    () => loadCommandConfig(file),
    (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('frontend.')),
  );
});

test('loadConfigWarned prints each config warning on stderr as a "warning:" line, and returns them', async () => {
  const dir = tempDir();
  const file = base(dir, {}, { dataset: { subset: 'training' }, generator: { disable_gpu_in_subprocesses: true } });
  const { result, stderr } = await stderrOf(() => loadConfigWarned(file));
  assert.equal(result.warnings.length, 2);
  const lines = stderr.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 2, stderr);
  assert.match(
    lines[0],
    /^warning: dataset\.subset: ignored \(one MLTK iterator per subset\): .* \(kws\.yaml:\d+:\d+\)$/,
  );
  assert.match(
    lines[1],
    /^warning: generator\.disable_gpu_in_subprocesses: ignored .*audiogen uses no GPU \(kws\.yaml:\d+:\d+\)$/,
  );
  assert.equal((await stderrOf(() => loadConfigWarned(base(dir)))).stderr, '');
});
