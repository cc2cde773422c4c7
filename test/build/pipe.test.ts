// `audiogen build --stdout` through the shipped bin: one tar on standard output that holds the files' members in the
// build's order, nothing written anywhere, a reader that goes away ends the build cleanly, and the README's pipe
// into examples/train_stream.py trains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { build } from '../../src/build/build.js';
import type { Manifest } from '../../src/io/manifest.js';
import type { TarShardRecord } from '../../src/io/shard-writer.js';
import { TAR_END } from '../../src/io/tar.js';
import {
  assertDistFresh,
  BIN,
  DEMO_DATASET,
  demoSubset,
  makeConfig,
  python,
  ROOT,
  STACK_TRACE,
  startCli,
  tempDir,
  writeConfig,
} from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no', 'up'], 6);

/** A config file of a webdataset build (and the same config as the build sees it). */
function streamConfig(dir: string, output: object = {}, generator: object = {}) {
  const raw = {
    dataset: { directory: dataset, classes: ['yes', 'no', 'up', '_silence_'], batch_size: 4 },
    generator: {
      cores: 2,
      frontend_enabled: true,
      validation_split: 0.3,
      silence_class_percentage: 0.5,
      loudness_range: [0.5, 1.5],
      noise_colors: 'all',
      noise_color_range: [0, 0.05],
      ...generator,
    },
    frontend: { window_size_ms: 30, window_step_ms: 20, filterbank_n_channels: 40 },
    output: { directory: join(dir, 'streamed'), epochs: 2, samples_per_shard: 5, format: 'webdataset', ...output },
  };
  return { file: writeConfig(dir, raw), raw };
}

/** Runs the shipped bin to completion with stdout as bytes. */
function runBinary(args: string[]): { code: number | null; stdout: Buffer; stderr: string } {
  assertDistFresh();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 120_000, maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** The tar files of a build in its own order: epoch, then subset, then shard. */
function tarsInOrder(out: string, pick: (subset: string, epoch: number) => boolean = () => true): string[] {
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  const paths: string[] = [];
  for (let epoch = 0; epoch < m.epochs; epoch++)
    for (const subset of ['training', 'validation', 'testing'] as const) {
      const e = m.subsets[subset]?.epochs.find((x) => x.epoch === epoch);
      if (e && pick(subset, epoch)) for (const s of e.shards as TarShardRecord[]) paths.push(join(out, s.tar.path));
    }
  return paths;
}

/** One archive of the given tars' members: each without its end blocks, then one end. */
const concatenated = (tars: string[]) =>
  Buffer.concat([...tars.map((p) => readFileSync(p).subarray(0, -TAR_END.length)), TAR_END]);

test('--stdout streams one tar: the files of the same config, member for member, in the build order; progress on stderr only', async () => {
  const dir = tempDir();
  const { file, raw } = streamConfig(dir);
  const out = join(dir, 'files');
  await build(makeConfig(dataset, out, { ...raw, output: { ...raw.output, directory: out } }));
  const r = runBinary(['build', '--config', file, '--stdout']);
  assert.equal(r.code, 0, r.stderr);
  const tars = tarsInOrder(out);
  assert.ok(tars.length >= 6);
  assert.ok(r.stdout.equals(concatenated(tars)), 'the stream is the files, in order');
  assert.match(
    r.stderr,
    /streamed \d+ samples \(training 0, validation 0, training 1, validation 1\) as a WebDataset tar/,
  );
  assert.match(r.stderr, /training epoch 2\/2: \d+ clips/);
  assert.doesNotMatch(r.stderr, STACK_TRACE);
  assert.equal(existsSync(join(dir, 'streamed')), false, 'nothing is written under output.directory');
});

test('--subset and --epoch pick what is streamed: one (subset, epoch), or every epoch of a subset', async () => {
  const dir = tempDir();
  const { file, raw } = streamConfig(dir, { epochs: 3 }, { cores: 1 });
  const out = join(dir, 'files');
  await build(makeConfig(dataset, out, { ...raw, output: { ...raw.output, directory: out } }));
  const one = runBinary(['build', '--config', file, '--stdout', '--subset', 'validation', '--epoch', '1', '--quiet']);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stderr, '', '--quiet prints nothing');
  assert.ok(one.stdout.equals(concatenated(tarsInOrder(out, (s, e) => s === 'validation' && e === 1))));
  const training = runBinary(['build', '--config', file, '--stdout', '--subset', 'training', '--quiet']);
  assert.ok(training.stdout.equals(concatenated(tarsInOrder(out, (s) => s === 'training'))));
  const epoch = runBinary(['build', '--config', file, '--stdout', '--epoch', '2', '--quiet']);
  assert.ok(epoch.stdout.equals(concatenated(tarsInOrder(out, (_, e) => e === 2))));
});

/** Whether a process exists and is not a zombie. */
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

test('a reader that closes the pipe ends the build: exit 0, a note on stderr, no stack trace, no worker left, nothing written', async () => {
  const dir = tempDir();
  // Many epochs: megabytes of tar, far more than a pipe holds.
  const { file } = streamConfig(dir, { epochs: 200 });
  const child = startCli(['build', '--config', file, '--stdout']);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      received += d.length;
      if (received > 50_000) resolve();
    });
    child.on('exit', () => reject(new Error(`exited before streaming 50 kB: ${stderr}`)));
  });
  const workers = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  assert.ok(workers.length >= 2, 'the workers are running');
  child.stdout!.destroy();
  const sent = performance.now();
  const code = await exited;
  assert.equal(code, 0, stderr);
  assert.ok(performance.now() - sent < 5000, 'ends at once');
  assert.match(stderr, /standard output was closed by its reader after \d+ of \d+ samples: stopped, workers ended/);
  assert.doesNotMatch(stderr, STACK_TRACE);
  for (let i = 0; i < 40 && workers.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(workers.filter(alive), [], 'no worker outlives the build');
  assert.equal(existsSync(join(dir, 'streamed')), false);
});

test('the README pipe: audiogen build --stdout | python3 examples/train_stream.py trains the numpy model on the demo', () => {
  const dir = tempDir();
  const demo = parse(readFileSync(join(ROOT, 'configs/demo.yaml'), 'utf8'));
  demo.dataset.directory = DEMO_DATASET;
  demo.generator.cores = 2;
  demo.output = { ...demo.output, directory: join(dir, 'unused'), format: 'webdataset' };
  const config = writeConfig(dir, demo);
  assertDistFresh();
  const r = spawnSync(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      `"${process.execPath}" "${BIN}" build --config "${config}" --stdout --quiet | python3 "${join(ROOT, 'examples/train_stream.py')}"`,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^training epoch 0: loss \d/m);
  assert.match(r.stdout, /^validation epoch 7: accuracy 0\.\d+ \(\d+ samples\)$/m);
  assert.match(r.stdout, /1624 samples of 49x40x1 read from the stream, 8 classes/);
  const acc = Number(/final validation accuracy: (\d\.\d+) \(chance (\d\.\d+), 8 classes\)/.exec(r.stdout)?.[1]);
  // Chance is 0.14 (8 classes); the numpy trainer on the files reaches 0.42–0.56.
  assert.ok(acc >= 0.35, r.stdout);
  assert.equal(existsSync(join(dir, 'unused')), false);
});

test('train_stream.py tells a stream that is not audiogen samples, or has no labels, with exit 2 and a message', () => {
  const dir = tempDir();
  const tar = join(dir, 'other.tar');
  python(
    `
import io, sys, tarfile
with tarfile.open(sys.argv[1], 'w') as t:
    data = b'x'
    info = tarfile.TarInfo('photo-001.jpg'); info.size = 1
    t.addfile(info, io.BytesIO(data))
`,
    [tar],
  );
  const other = spawnSync('python3', [join(ROOT, 'examples/train_stream.py')], {
    input: readFileSync(tar),
    encoding: 'utf8',
  });
  assert.equal(other.status, 2);
  assert.match(other.stderr, /error: member key 'photo-001' is not an audiogen sample key/);
  const { file } = streamConfig(dir, { epochs: 1 }, { cores: 1 });
  const unlabelled = writeConfig(
    dir,
    {
      ...parse(readFileSync(file, 'utf8')),
      dataset: { ...parse(readFileSync(file, 'utf8')).dataset, class_mode: 'input' },
    },
    'input.yaml',
  );
  const stream = runBinary(['build', '--config', unlabelled, '--stdout', '--quiet']);
  assert.equal(stream.code, 0, stream.stderr);
  const r = spawnSync('python3', [join(ROOT, 'examples/train_stream.py')], { input: stream.stdout, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /has no \.cls member: the build has no labels/);
});
