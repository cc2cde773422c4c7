// The config through the shipped command: warnings at the start of validate and build (and in their JSON),
// structured errors from validate --json, flags validated like keys, and seed: null drawn, printed and reused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
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

test('validate prints config warnings on stderr, and in --json with the dataset\u2019s', () => {
  const dir = tempDir();
  const file = config(dir, { dataset: { subset: 'training' }, generator: { cores: 1024, pitch_range: [0.95, 1.05] } });
  const text = runCli(['validate', '--config', file], opts);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stderr.split('\n').filter((l) => l.startsWith('warning: '));
  assert.equal(lines.length, 3, text.stderr);
  assert.match(lines[0], /^warning: dataset\.subset: ignored \(one MLTK iterator per subset\): .*output\.subsets \(kws\.yaml:\d+:\d+\)$/);
  assert.match(text.stderr, /^warning: generator\.cores: 1024 workers on \d+ CPUs?; they will compete \(at most \d+ (are|is) useful\)/m);
  assert.match(text.stderr, /^warning: generator\.pitch_range: \[0\.95, 1\.05\] means \+11\.4 to \+12\.6 semitones: MLTK\u2019s rule/m);
  const json = runCli(['validate', '--config', file, '--json'], opts);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.equal(out.valid, true);
  assert.equal(out.warnings.length, 3);
  assert.match(out.warnings[0], /^dataset\.subset: ignored/);
});

test('build --epochs 1e12 fails naming the flag, before any worker runs or anything is written', () => {
  const dir = tempDir();
  const r = runCli(['build', '--config', config(dir), '--epochs', '1e12'], opts);
  assertFails(r, 2, /^output\.epochs: expected a number <= 1000, got 1000000000000 \(from --epochs\)$/m);
  assert.throws(() => readFileSync(join(dir, 'out', 'manifest.json')));
});

test('build with seed: null draws a seed, prints it, records it; a rerun and a resume reuse it', () => {
  const dir = tempDir();
  const file = config(dir, { dataset: { seed: null }, generator: { disable_gpu_in_subprocesses: true } });
  const first = runCli(['build', '--config', file, '--json'], opts);
  assert.equal(first.code, 0, first.stderr);
  const m = /^seed: drawn at random: (\d+) \(recorded in the manifest; --seed \1 repeats it\)$/m.exec(first.stderr);
  assert.ok(m, first.stderr);
  assert.match(first.stderr, /^warning: generator\.disable_gpu_in_subprocesses: ignored .*audiogen uses no GPU/m);
  const seed = Number(m[1]);
  const summary = JSON.parse(first.stdout);
  assert.deepEqual([summary.seed, summary.seed_drawn], [seed, true]);
  assert.match(summary.warnings[0], /^generator\.disable_gpu_in_subprocesses: ignored/);
  const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
  assert.equal(manifest.config.dataset.seed, seed);

  // The same folder again: the recorded seed, so the finished build is recognised (not "another config").
  const again = runCli(['build', '--config', file, '--json'], opts);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`^seed: null: using ${seed}, the seed recorded in .* by an earlier build`, 'm'));
  assert.equal(JSON.parse(again.stdout).up_to_date, true);

  // A resume (no manifest yet, only the state log) reuses it too.
  rmSync(join(dir, 'out', 'manifest.json'));
  const resumed = runCli(['build', '--config', file, '--json'], opts);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`^seed: null: using ${seed}, the seed recorded in`, 'm'));
  assert.equal(JSON.parse(resumed.stdout).shards_kept, 1);
  assert.equal(JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')).config.dataset.seed, seed);

  // And --seed with the printed number is the same build.
  const repeat = runCli(['build', '--config', file, '--seed', String(seed), '--json'], opts);
  assert.equal(repeat.code, 0, repeat.stderr);
  assert.equal(JSON.parse(repeat.stdout).up_to_date, true);
});

test('a partitioned build refuses seed: null (each partition would draw its own)', () => {
  const dir = tempDir();
  const r = runCli(['build', '--config', config(dir, { dataset: { seed: null } }), '--partition', '0/2'], opts);
  assertFails(r, 2, /^dataset\.seed: null \(drawn at random\) cannot be used for a partitioned build/m);
});
