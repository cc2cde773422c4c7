// The config through the shipped command: warnings at the start of validate and build (and in their JSON),
// structured errors from validate --json, flags validated like keys, and seed: null drawn, printed and reused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 3);
const opts = { timeoutMs: 60_000 };

function config(dir: string, parts: { dataset?: object; generator?: object; output?: object } = {}, name = 'kws.yaml'): string {
  return writeConfig(
    dir,
    {
      dataset: { directory: dataset, classes: ['yes', 'no'], ...parts.dataset },
      generator: { frontend_enabled: false, cores: 1, ...parts.generator },
      output: { directory: join(dir, 'out'), ...parts.output },
    },
    name,
  );
}

test('validate --json on an invalid config prints the problems as records on stdout and exits 2', () => {
  const dir = tempDir();
  const file = config(dir, { generator: { offset_range: [0, 1.5] }, output: { epochs: 1e12 } });
  const r = runCli(['validate', '--config', file, '--json', '--cores', '5000'], opts);
  assertFails(r, 2, /^generator\.offset_range\[1\]: expected a number <= 1, got 1\.5 \(kws\.yaml:\d+:\d+\)$/m);
  const out = JSON.parse(r.stdout);
  assert.equal(out.valid, false);
  assert.deepEqual(
    out.errors.map((e: Record<string, unknown>) => [e.path, e.message, typeof e.line, typeof e.column]),
    [
      ['generator.cores', 'expected a number <= 1024, got 5000', 'object', 'object'],
      ['generator.offset_range[1]', 'expected a number <= 1, got 1.5', 'number', 'number'],
      ['output.epochs', 'expected a number <= 1000, got 1000000000000', 'number', 'number'],
    ],
  );
  assert.equal(out.errors[0].flag, '--cores');
  // A file that is not a config at all: path null.
  const empty = join(dir, 'empty.yaml');
  writeConfig(dir, null, 'empty.yaml');
  const e = runCli(['validate', '--config', empty, '--json'], opts);
  assert.equal(e.code, 2);
  assert.deepEqual(JSON.parse(e.stdout).errors[0].path, null);
});

test('build --epochs 1e12 fails naming the flag, before any worker runs or anything is written', () => {
  const dir = tempDir();
  const r = runCli(['build', '--config', config(dir), '--epochs', '1e12'], opts);
  assertFails(r, 2, /^output\.epochs: expected a number <= 1000, got 1000000000000 \(from --epochs\)$/m);
  assert.throws(() => readFileSync(join(dir, 'out', 'manifest.json')));
});
