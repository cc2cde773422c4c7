// `audiogen build` through the shipped bin: config and flag errors, the --json summary, a rerun with nothing to do,
// seed: null drawn, printed and reused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { encodeWavPcm16 } from '../../src/audio/wav.js';
import { join } from 'node:path';
import { assertFails, demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';
import { rawAudioConfig } from './support.js';

const dataset = demoSubset(tempDir(), ['yes', 'no'], 6);
const opts = { timeoutMs: 60_000 };

const kwsConfig = (dir: string, parts: Parameters<typeof rawAudioConfig>[2] = {}, name?: string) =>
  rawAudioConfig(dataset, dir, parts, name);

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

test('build --epochs 1e12 fails naming the flag, before any worker runs or anything is written', () => {
  const dir = tempDir();
  const r = runCli(['build', '--config', kwsConfig(dir), '--epochs', '1e12'], opts);
  assertFails(r, 2, /^output\.epochs: expected a number <= 1000, got 1000000000000 \(from --epochs\)$/m);
  assert.throws(() => readFileSync(join(dir, 'out', 'manifest.json')));
});

test('build with seed: null draws a seed, prints it, records it; a rerun and a resume reuse it', () => {
  const dir = tempDir();
  const file = kwsConfig(dir, { dataset: { seed: null }, generator: { disable_gpu_in_subprocesses: true } });
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
  assert.match(
    again.stderr,
    new RegExp(`^seed: null: using ${seed}, the seed recorded in .* by an earlier build`, 'm'),
  );
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
  const r = runCli(['build', '--config', kwsConfig(dir, { dataset: { seed: null } }), '--partition', '0/2'], opts);
  assertFails(r, 2, /^dataset\.seed: null \(drawn at random\) cannot be used for a partitioned build/m);
});

test('--json reports every summary field: the seed, the run, the manifest\u2019s shape and counts, skipped files, warnings', () => {
  const dir = tempDir();
  const data = demoSubset(join(dir, 'data'), ['yes', 'no'], 3);
  writeFileSync(join(data, 'no', 'bad_nohash_0.wav'), 'not audio');
  const file = writeConfig(dir, {
    dataset: { directory: data, classes: ['yes', 'no'], seed: 7, subset: 'training' },
    generator: { frontend_enabled: false, cores: 1, on_error: 'skip', dtype: 'int16' },
    output: { directory: join(dir, 'out'), samples_per_shard: 4 },
  });
  const r = runCli(['build', '--config', file, '--json'], opts);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(s), [
    'seed',
    'seed_drawn',
    'output',
    'partition',
    'up_to_date',
    'workers',
    'shards_built',
    'shards_kept',
    'samples_built',
    'seconds',
    'samples_per_second',
    'build_started_ms',
    'listed_ms',
    'first_batch_ms',
    'cpu_us_per_sample',
    'epochs',
    'sample_shape',
    'dtype',
    'subsets',
    'skipped',
    'warnings',
  ]);
  assert.deepEqual(
    [
      s.seed,
      s.seed_drawn,
      s.output,
      s.partition,
      s.up_to_date,
      s.workers,
      s.shards_built,
      s.shards_kept,
      s.samples_built,
    ],
    [7, false, join(dir, 'out'), { index: 0, count: 1 }, false, 1, 2, 0, 6],
  );
  assert.ok(s.seconds > 0 && s.samples_per_second > 0, r.stdout);
  // From the process's start, in the order they happen: the build starts (past Node's own start-up), the dataset is
  // listed and probed, the first batch goes to a worker.
  const milestones = [s.build_started_ms, s.listed_ms, s.first_batch_ms];
  assert.ok(
    milestones.every((ms) => Number.isInteger(ms) && ms > 0),
    r.stdout,
  );
  assert.deepEqual(
    [...milestones].sort((a, b) => a - b),
    milestones,
    r.stdout,
  );
  // CPU per sample: the build process's own since build() began and since the first batch (part of it), and the
  // worker's on probes, batches and seals (all spent some).
  const cpu = s.cpu_us_per_sample;
  assert.deepEqual(Object.keys(cpu), ['build', 'feed', 'workers'], r.stdout);
  assert.ok(
    Object.values(cpu).every((v) => Number.isInteger(v) && (v as number) > 0),
    r.stdout,
  );
  assert.ok(cpu.feed <= cpu.build, r.stdout);
  assert.deepEqual([s.epochs, s.sample_shape, s.dtype], [1, [16000], 'int16']);
  assert.deepEqual(s.subsets, { training: { samples: 6, class_counts: { yes: 3, no: 3 } } });
  assert.deepEqual(
    s.skipped.map((b: { file: string }) => b.file),
    ['no/bad_nohash_0.wav'],
  );
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0], /^dataset\.subset: ignored/);
});

test('a partition\u2019s --json summary has no manifest fields; its text summary says to merge', () => {
  const dir = tempDir();
  const file = kwsConfig(dir, { output: { samples_per_shard: 4 } });
  const json = runCli(['build', '--config', file, '--partition', '0/2', '--json', '--quiet'], opts);
  assert.equal(json.code, 0, json.stderr);
  const s = JSON.parse(json.stdout);
  assert.deepEqual(s.partition, { index: 0, count: 2 });
  for (const key of ['epochs', 'sample_shape', 'dtype', 'subsets', 'skipped']) assert.equal(key in s, false, key);
  const text = runCli(['build', '--config', file, '--partition', '1/2'], opts);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stderr, /^building partition 1 of 2 \(from --partition\)$/m);
  assert.match(text.stderr, /^partition 1\/2: built \d+ samples in [\d.]+ s \(\d+ clips\/s, 1 worker\)$/m);
  assert.ok(text.stderr.includes(`when every partition is done: audiogen merge ${join(dir, 'out')}\n`), text.stderr);
});

test('without --quiet the text summary lists skipped files, the samples built and the shape; --quiet prints nothing', () => {
  const dir = tempDir();
  const data = demoSubset(join(dir, 'data'), ['yes', 'no'], 2);
  writeFileSync(join(data, 'yes', 'bad_nohash_0.wav'), 'not audio');
  const file = writeConfig(dir, {
    dataset: { directory: data, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1, on_error: 'skip' },
    output: { directory: join(dir, 'out') },
  });
  const quiet = runCli(['build', '--config', file, '--quiet', '--out', join(dir, 'quiet')], opts);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr, '');
  assert.equal(quiet.stdout, '');
  assert.ok(existsSync(join(dir, 'quiet', 'manifest.json')));
  const r = runCli(['build', '--config', file], opts);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /^skipped 1 bad file\(s\) \(generator\.on_error: skip\):\n {2}yes\/bad_nohash_0\.wav: not a WAV file: /m,
  );
  assert.match(r.stderr, /^built 4 samples in [\d.]+ s \(\d+ clips\/s, 1 worker\)$/m);
  assert.ok(
    r.stderr.includes(`1 epoch(s) of training 4 samples, shape [16000] float32 -> ${join(dir, 'out')}/manifest.json\n`),
    r.stderr,
  );
});

test('--wait, --verify-inputs and --force are accepted', () => {
  const dir = tempDir();
  const r = runCli(
    ['build', '--config', kwsConfig(dir), '--wait', '--verify-inputs', '--force', '--json', '--quiet'],
    opts,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).samples_built, 12);
});

test('an RIR longer than 10 s stops the build naming it (exit 1), with no partial file left', () => {
  const dir = tempDir();
  const rooms = join(dir, 'rooms');
  mkdirSync(rooms);
  const long = new Float32Array(8000 * 11);
  long[0] = 0.5;
  writeFileSync(join(rooms, 'cathedral.wav'), encodeWavPcm16(long, 8000));
  const r = runCli(['build', '--config', kwsConfig(dir, { generator: { rir_dir: rooms, rir_probability: 1 } })], opts);
  assertFails(
    r,
    1,
    /room impulse response file .*cathedral\.wav: 11\.0 s long; a room impulse response may last at most 10 s/,
  );
  assert.ok(!readdirSync(join(dir, 'out', 'training', 'epoch-000')).some((f) => f.endsWith('.partial')));
});

test('--stdout is a usage error (exit 2, nothing written) without output.format: webdataset, with flags a stream cannot honour, or with a selection the build lacks', () => {
  const dir = tempDir();
  const npy = kwsConfig(dir);
  assertFails(
    runCli(['build', '--config', npy, '--stdout'], opts),
    2,
    /--stdout streams WebDataset tar: set output\.format: webdataset in .*kws\.yaml \(it is npy\)/,
  );
  const wds = kwsConfig(dir, { output: { format: 'webdataset', epochs: 2 } }, 'wds.yaml');
  for (const [flags, message] of [
    [['--json'], /--json cannot be used with --stdout: standard output carries the tar/],
    [['--out', join(dir, 'o')], /--out cannot be used with --stdout: a stream writes no output directory/],
    [['--partition', '0/2'], /--partition cannot be used with --stdout: a stream is one process/],
    [['--partitions', '2'], /--partitions cannot be used with --stdout/],
    [['--force'], /--force cannot be used with --stdout/],
    [['--wait'], /--wait cannot be used with --stdout: a stream takes no lock/],
    [['--verify-inputs'], /--verify-inputs cannot be used with --stdout/],
    [['--subset', 'bogus'], /--subset: expected training, validation, testing, got "bogus"/],
    [['--subset', 'validation'], /--subset validation: this config bakes training \(output\.subsets/],
    [['--epoch', '2'], /--epoch 2: expected an epoch number from 0 to 1 \(output\.epochs is 2\)/],
    [['--epoch', '-1'], /--epoch -1: expected an epoch number from 0 to 1/],
  ] as const) {
    const r = runCli(['build', '--config', wds, '--stdout', ...flags], opts);
    assertFails(r, 2, message);
    assert.equal(r.stdout, '', flags.join(' '));
  }
  for (const flag of ['--subset', '--epoch'])
    assertFails(
      runCli(['build', '--config', wds, flag, flag === '--epoch' ? '0' : 'training'], opts),
      2,
      new RegExp(`${flag}: selects what --stdout streams; use it with --stdout`),
    );
  assert.equal(existsSync(join(dir, 'out')), false, 'nothing written');
});
