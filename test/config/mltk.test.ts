// An MLTK keyword-spotting config, copied from MLTK's documentation as a user would, validates with warnings only
// and builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, runCli, STACK_TRACE, tempDir } from '../helpers.js';

const config = join(FIXTURES, 'configs', 'mltk-keyword-spotting.yaml');

test('an MLTK keyword-spotting config validates with warnings only: each ignored parameter and the ×12 pitch rule', () => {
  const r = runCli(['validate', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.ok(
    lines.every((l) => l.startsWith('warning: ')),
    r.stderr,
  );
  for (const key of [
    'dataset.subset',
    'dataset.class_counts',
    'generator.get_batch_function',
    'generator.preprocessing_function',
    'generator.disable_gpu_in_subprocesses',
  ]) {
    assert.ok(
      lines.some((l) => l.startsWith(`warning: ${key}: ignored`)),
      `${key}:\n${r.stderr}`,
    );
  }
  assert.ok(
    lines.some((l) => /^warning: generator\.pitch_range: \[0\.9, 1\.1\] means \+10\.8 to \+13\.2 semitones/.test(l)),
    r.stderr,
  );
  assert.match(r.stdout, /sample shape \[98, 40, 1\] int8/);
});

test('it builds: seed: null is drawn, printed and recorded in the manifest', () => {
  const out = join(tempDir(), 'out');
  const r = runCli(['build', '--config', config, '--out', out, '--cores', '1', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, STACK_TRACE);
  const drawn = /seed: drawn at random: (\d+)/.exec(r.stderr);
  assert.ok(drawn, r.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.complete, true);
  assert.equal(manifest.config.dataset.seed, Number(drawn[1]));
  assert.equal(manifest.dtype, 'int8');
  assert.deepEqual(manifest.sample_shape, [98, 40, 1]);
  assert.ok(manifest.subsets.training.samples > 100);
});
