// `audiogen validate` through the shipped bin: the per-class count table, writing nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no', 'cat'], 6);

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
