// `audiogen validate` through the shipped bin: the per-class count table, writing nothing; config warnings on stderr
// and in --json; an invalid config's problems as records with --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFails, demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';
import { rawAudioConfig } from './support.js';

const dataset = demoSubset(tempDir(), ['yes', 'no', 'cat'], 6);
const opts = { timeoutMs: 60_000 };

const kwsConfig = (dir: string, parts: Parameters<typeof rawAudioConfig>[2] = {}, name?: string) =>
  rawAudioConfig(dataset, dir, parts, name);

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

test('validate --json on an invalid config prints the problems as records on stdout and exits 2', () => {
  const dir = tempDir();
  const file = kwsConfig(dir, { generator: { offset_range: [0, 1.5] }, output: { epochs: 1e12 } });
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

test('validate prints config warnings on stderr, and in --json with the dataset\u2019s', () => {
  const dir = tempDir();
  const file = kwsConfig(dir, {
    dataset: { subset: 'training' },
    generator: { cores: 1024, pitch_range: [0.95, 1.05] },
  });
  const text = runCli(['validate', '--config', file], opts);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stderr.split('\n').filter((l) => l.startsWith('warning: '));
  assert.equal(lines.length, 3, text.stderr);
  assert.match(
    lines[0],
    /^warning: dataset\.subset: ignored \(one MLTK iterator per subset\): .*output\.subsets \(kws\.yaml:\d+:\d+\)$/,
  );
  assert.match(
    text.stderr,
    /^warning: generator\.cores: 1024 workers on \d+ CPUs?; they will compete \(at most \d+ (are|is) useful\)/m,
  );
  assert.match(
    text.stderr,
    /^warning: generator\.pitch_range: \[0\.95, 1\.05\] means \+11\.4 to \+12\.6 semitones: MLTK\u2019s rule/m,
  );
  const json = runCli(['validate', '--config', file, '--json'], opts);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.equal(out.valid, true);
  assert.equal(out.warnings.length, 3);
  assert.match(out.warnings[0], /^dataset\.subset: ignored/);
});

test('validate lists the bad files on_error: skip leaves out and totals each subset; --json gives them with the sample shape', () => {
  const dir = tempDir();
  const data = demoSubset(join(dir, 'data'), ['yes', 'no'], 3);
  writeFileSync(join(data, 'no', 'bad_nohash_0.wav'), 'not audio');
  const file = kwsConfig(dir, { dataset: { directory: data }, generator: { on_error: 'skip' } });
  const r = runCli(['validate', '--config', file], opts);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith(`config OK: ${file}\ndataset: ${data}\n`), r.stdout);
  assert.match(r.stdout, /^total\s+6$/m);
  assert.match(r.stdout, /^per epoch; 1 epoch\(s\), sample shape \[16000\] float32$/m);
  assert.match(r.stdout, /^bad file left out \(on_error: skip\): no\/bad_nohash_0\.wav: not a WAV file: /m);
  const json = JSON.parse(runCli(['validate', '--config', file, '--json'], opts).stdout);
  assert.deepEqual(
    [json.valid, json.classes, json.counts, json.sample_shape],
    [true, ['yes', 'no'], { training: { yes: 3, no: 3 } }, [16000]],
  );
  assert.deepEqual(
    json.skipped.map((b: { file: string }) => b.file),
    ['no/bad_nohash_0.wav'],
  );
});
