// Interruptions, kills and write failures of real build processes, and what they leave on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from '../../src/build/build.js';
import { demoSubset, makeConfig, readTree, runCli, startCli, tempDir, writeConfig } from '../helpers.js';

const dataset = demoSubset(tempDir(), ['yes', 'no', 'up'], 12);

const tree = readTree;
const outputFiles = (dir: string) =>
  Object.fromEntries(Object.entries(tree(dir)).filter(([k]) => !k.startsWith('.audiogen')));
const partials = (dir: string) => Object.keys(tree(dir)).filter((k) => k.endsWith('.partial'));

const parts = {
  dataset: { classes: ['yes', 'no', 'up', '_silence_'], batch_size: 4 },
  generator: { cores: 1, validation_split: 0.25 },
  output: { epochs: 14, samples_per_shard: 8 },
};
function configFile(dir: string): string {
  return writeConfig(dir, {
    dataset: { directory: dataset, ...parts.dataset },
    generator: { frontend_enabled: false, ...parts.generator },
    output: { directory: join(dir, 'out'), ...parts.output },
  });
}

let reference: Record<string, string> | null = null;
async function uninterrupted(): Promise<Record<string, string>> {
  if (!reference) {
    const out = join(tempDir(), 'ref');
    await build(makeConfig(dataset, out, parts));
    reference = outputFiles(out);
  }
  return reference;
}

/** Waits until the build has recorded at least `n` finished shards. */
async function waitForShards(out: string, n: number, child: ReturnType<typeof startCli>): Promise<void> {
  const log = join(out, '.audiogen', 'shards-0-of-1.jsonl');
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`build ended before the interruption (code ${child.exitCode})`);
    if (existsSync(log) && readFileSync(log, 'utf8').trim().split('\n').length > n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('build made no progress');
}

/** A build of `configFile` started in the background, once it has recorded `shards` finished shards. */
async function buildUnderway(shards: number) {
  const dir = tempDir();
  const config = configFile(dir);
  const out = join(dir, 'out');
  const child = startCli(['build', '--config', config]);
  const done = exited(child);
  await waitForShards(out, shards, child);
  return { config, out, child, done };
}

const workersOf = (pid: number) =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .filter(Boolean);

function exited(
  child: ReturnType<typeof startCli>,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} stops the build with exit 130, no temporary file left, and a rerun resumes to identical bytes`, async () => {
    const { config, out, child, done } = await buildUnderway(3);
    child.kill(signal);
    const { code, stderr } = await done;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted by SIG(INT|TERM): finished shards are kept, rerun the same command to resume/);
    assert.deepEqual(partials(out), []);
    assert.equal(
      existsSync(join(out, 'manifest.json')) && JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).complete,
      false,
    );
    const rerun = runCli(['build', '--config', config]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stderr, /resuming: \d+ finished shards kept/);
    assert.deepEqual(outputFiles(out), await uninterrupted());
  });
}

test('kill -9 of the main process: workers go away, and the next run cleans up and resumes to identical bytes', async () => {
  const { config, out, child, done } = await buildUnderway(2);
  const workers = workersOf(child.pid!);
  assert.ok(workers.length >= 1, 'the build has worker processes');
  // The workers share the build's stderr: whatever they print after it dies arrives here too.
  let late = '';
  child.stderr!.on('data', (d) => (late += d));
  child.kill('SIGKILL');
  await done;
  for (let i = 0; i < 100 && workers.some((p) => existsSync(`/proc/${p}`)); i++)
    await new Promise((r) => setTimeout(r, 50));
  assert.ok(
    !workers.some((p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z ')),
    'workers exited',
  );
  await new Promise((r) => setTimeout(r, 200));
  assert.doesNotMatch(late, /EPIPE|Error|^\s+at /m, 'the workers left quietly');
  assert.deepEqual(
    readdirSync(tmpdir()).filter((n) => n.startsWith('audiogen-') && n.includes(String(child.pid))),
    [],
    'nothing left in the temporary folder',
  );
  const rerun = runCli(['build', '--config', config]);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(partials(out), []);
  assert.deepEqual(outputFiles(out), await uninterrupted());
});

test('a worker killed mid-build stops the build naming the batch, the sample and the cause', async () => {
  const { config, out, child, done } = await buildUnderway(2);
  const worker = workersOf(child.pid!)[0];
  process.kill(Number(worker), 'SIGKILL');
  const { code, stderr } = await done;
  assert.equal(code, 1, stderr);
  // Busy, it names the batch and sample it was on, or the shard it was sealing; idle, the batch that found no
  // worker left.
  assert.match(
    stderr,
    new RegExp(
      `worker process ${worker} killed by SIGKILL (while processing batch \\d+ of (training|validation) epoch \\d+(, sample (\\w+/\\S+\\.wav|\\(a _silence_ clip\\)))?|while sealing /\\S+\\.partial|between batches, before batch \\d+ of (training|validation) epoch \\d+)`,
    ),
  );
  assert.deepEqual(partials(out), []);
  const log = readFileSync(join(out, '.audiogen', 'shards-0-of-1.jsonl'), 'utf8')
    .trim()
    .split('\n');
  for (const line of log.slice(1)) {
    const s = JSON.parse(line);
    assert.ok(existsSync(join(out, s.x.path)), `${s.x.path} recorded as done exists`);
  }
  const rerun = runCli(['build', '--config', config]);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(outputFiles(out), await uninterrupted());
});

const isRoot = process.getuid?.() === 0;
/** A temporary folder whose `out` is a tmpfs mounted with `options` (root only); both go when the test ends. */
function withTmpfsOut(
  t: { after(fn: () => void): void },
  options: string,
): { dir: string; out: string; mounted: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'audiogen-mnt-'));
  const out = join(dir, 'out');
  mkdirSync(out);
  const mounted = isRoot && spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', out]).status === 0;
  t.after(() => {
    // Lazy: a failed test may still hold a file open in it, which a plain umount refuses.
    if (mounted) spawnSync('umount', ['-l', out]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, out, mounted };
}

test('a full disk stops the build with a message naming the path, and nothing is marked done', async (t) => {
  const { dir, out, mounted } = withTmpfsOut(t, 'size=600k');
  if (!mounted) return t.skip('needs root to mount a small tmpfs');
  const config = configFile(dir);
  const r = runCli(['build', '--config', config]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`cannot write ${out}/\\S+: no space left on device`));
  assert.deepEqual(partials(out), []);
  const logPath = join(out, '.audiogen', 'shards-0-of-1.jsonl');
  const log = existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').slice(1) : [];
  for (const line of log) {
    const s = JSON.parse(line);
    assert.equal(readFileSync(join(out, s.x.path)).length, s.x.bytes);
  }
  assert.ok(
    !existsSync(join(out, 'manifest.json')) || !JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).complete,
  );
});

test('an output directory that cannot be written is reported with its path', async (t) => {
  const { dir, out, mounted } = withTmpfsOut(t, 'size=1m,ro');
  const config = configFile(dir);
  if (mounted) {
    const r = runCli(['build', '--config', config]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot write ${out}\\S*: read-only file system`));
  } else {
    chmodSync(out, 0o555);
    const r = runCli(['build', '--config', config]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot write ${out}\\S*: permission denied`));
  }
});

test('on_error: fail stops at the first bad file naming it, before any shard is written', () => {
  const dir = tempDir();
  const data = demoSubset(join(dir, 'data'), ['yes', 'no'], 3);
  writeFileSync(join(data, 'yes', 'broken_nohash_0.wav'), Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt '));
  const config = writeConfig(dir, {
    dataset: { directory: data, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: join(dir, 'out') },
  });
  const r = runCli(['build', '--config', config]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /yes\/broken_nohash_0\.wav: no fmt chunk.*\(set generator\.on_error: skip to leave bad files out\)/,
  );
  assert.equal(existsSync(join(dir, 'out', 'training')), false);
});

test('on_error: skip leaves bad files out, lists them in the manifest and the summary, counts consistent', () => {
  const dir = tempDir();
  const data = demoSubset(join(dir, 'data'), ['yes', 'no'], 3);
  writeFileSync(join(data, 'yes', 'broken_nohash_0.wav'), Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt '));
  writeFileSync(join(data, 'no', 'notwav_nohash_0.wav'), '<html>404</html>');
  const config = writeConfig(dir, {
    dataset: { directory: data, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1, on_error: 'skip' },
    output: { directory: join(dir, 'out') },
  });
  const r = runCli(['build', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /skipped 2 bad file\(s\)[\s\S]*yes\/broken_nohash_0\.wav: no fmt chunk[\s\S]*no\/notwav_nohash_0\.wav: not a WAV/,
  );
  const m = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8'));
  assert.deepEqual(m.skipped.map((s: { file: string }) => s.file).sort(), [
    'no/notwav_nohash_0.wav',
    'yes/broken_nohash_0.wav',
  ]);
  assert.deepEqual(m.subsets.training.class_counts, { yes: 3, no: 3 });
  assert.equal(m.subsets.training.epochs[0].shards[0].count, 6);
});
