// `audiogen build` through the shipped bin: config and flag errors, the --json summary, a rerun with nothing to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 6);

test('a bad config exits 2 with one line per problem and writes nothing', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, offset_range: [0, 1.5], bogus: true },
    output: { directory: join(dir, 'out') },
  });
  const r = runCli(['build', '--config', config]);
  assert.equal(r.code, 2);
  assert.deepEqual(r.stderr.trim().split('\n'), [
    'generator.offset_range[1]: expected a number <= 1, got 1.5 (config.yaml:10:7)',
    'generator.bogus: unknown key (config.yaml:11:3)',
  ]);
  assert.equal(existsSync(join(dir, 'out')), false);
});

test('a bad flag value exits 2 naming the flag', () => {
  const r = runCli(['build', '--config', 'x.yaml', '--epochs', 'many']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--epochs expects a number, got "many"/);
});

test('build prints a JSON summary with --json and exits 0', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: 'out' },
  });
  const r = runCli(['build', '--config', config, '--json', '--quiet', '--epochs', '2']);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.output, join(dir, 'out'));
  assert.equal(summary.epochs, 2);
  assert.equal(summary.samples_built, 24);
  assert.deepEqual(summary.sample_shape, [16000]);
  assert.equal(r.stderr, '');
  const again = runCli(['build', '--config', config, '--epochs', '2']);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /already built from this config: nothing to do/);
});
