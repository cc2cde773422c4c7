import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';
import { createProgram } from '../../src/cli/main.js';

const dataset = demoSubset(tempDir(), ['yes', 'no', 'cat'], 6);

test('--help works on every command', () => {
  const top = runCli(['--help']);
  assert.equal(top.code, 0);
  for (const cmd of createProgram().commands.map((c) => c.name())) {
    assert.match(top.stdout, new RegExp(`\\b${cmd}\\b`));
    const r = runCli([cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Usage: audiogen ${cmd}`));
  }
});

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

test('validate prints the per-class count table without writing anything', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no', '_unknown_', '_silence_'] },
    generator: { frontend_enabled: false, validation_split: 0.3 },
    output: { directory: join(dir, 'out') },
  });
  const r = runCli(['validate', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /class\s+training\s+validation/);
  assert.match(r.stdout, /^yes\s+\d+\s+\d+\s+\(label 0\)$/m);
  assert.match(r.stdout, /^_silence_\s+\d+\s+\d+\s+\(label 3\)$/m);
  assert.deepEqual(readdirSync(dir), ['config.yaml']);
  const json = JSON.parse(runCli(['validate', '--config', config, '--json']).stdout);
  assert.equal(json.counts.training.yes + json.counts.validation.yes, 6);
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

test('schema prints a JSON Schema that knows every section and rejects unknown keys', () => {
  const r = runCli(['schema']);
  assert.equal(r.code, 0);
  const schema = JSON.parse(r.stdout);
  assert.match(schema.$schema, /json-schema\.org/);
  assert.deepEqual(Object.keys(schema.properties), ['dataset', 'generator', 'frontend', 'output', 'hooks']);
  assert.deepEqual(schema.required.sort(), ['dataset', 'output']);
  assert.equal(schema.properties.generator.additionalProperties, false);
  assert.ok(schema.properties.frontend.properties.filterbank_n_channels);
});
