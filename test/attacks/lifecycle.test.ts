// The shipped command always ends: help, usage and config errors, and impossible output folders exit with their
// documented code in seconds, with pre-started workers or without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { demoSubset, tempDir, writeConfig } from '../helpers.js';
import { assertOutcome, attack } from './harness.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 3);

for (const command of ['build', 'validate', 'features', 'render', 'preview', 'plan', 'merge', 'schema']) {
  test(`${command} --help exits 0 at once, also where build pre-starts its workers`, () => {
    const r = attack([command, '--help'], { timeoutMs: 15_000 });
    assert.equal(r.timedOut, false, 'did not exit (a hang)');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Usage: audiogen ${command}`));
  });
}

test('build with a config that does not exist exits 2 naming it', () => {
  assertOutcome(attack(['build', '--config', '/nonexistent/kws.yaml'], { timeoutMs: 15_000 }), 2, /\/nonexistent\/kws\.yaml: cannot read the config/);
});

test('build without --config, or with an unknown flag, exits 2 with usage', () => {
  assertOutcome(attack(['build'], { timeoutMs: 15_000 }), 2, /required option '-c, --config <file>'/);
  assertOutcome(attack(['build', '--config', 'x.yaml', '--bogus'], { timeoutMs: 15_000 }), 2, /unknown option '--bogus'/);
});

test('build with an invalid config exits 2 though its workers were pre-started', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { cores: 2, offset_range: [0, 2] },
    output: { directory: join(dir, 'out') },
  });
  assertOutcome(attack(['build', '--config', config], { timeoutMs: 15_000 }), 2, /generator\.offset_range\[1\]: expected a number <= 1/);
});

test('an output folder under /proc fails in seconds with the reason, instead of spinning in mkdir', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: '/proc/audiogen-attack/out' },
  });
  assertOutcome(attack(['build', '--config', config], { timeoutMs: 15_000 }), 1, /cannot (write|create) \/proc\/audiogen-attack/);
});
