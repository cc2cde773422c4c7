// Hostile output directories: the dataset itself, inside it, a folder of someone else's files, another tool's
// manifest, a file, a read-only folder, a corrupt state log, two builds at once. A build touches only what it can
// prove it wrote, refuses the rest with the documented exit code, and never leaves a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSubset, runCli, startCli, tempDir, writeConfig } from '../helpers.js';
import { assertOutcome, attack, leftovers, treeHash, unchanged } from './harness.js';

const raw = { frontend_enabled: false, cores: 1 };

function setup(
  output: (root: string) => string,
  extra: { generator?: object; dataset?: object; output?: object } = {},
) {
  const root = tempDir();
  const data = demoSubset(join(root, 'data', 'training'), ['yes', 'no'], 3);
  const config = writeConfig(root, {
    dataset: { directory: data, classes: ['yes', 'no'], ...extra.dataset },
    generator: { ...raw, ...extra.generator },
    output: { directory: output(root), ...extra.output },
  });
  return { root, data, config };
}

test("an output folder that contains the dataset is refused before anything is touched (the issue's repro)", () => {
  const { root, config } = setup((r) => join(r, 'data'));
  const r = unchanged([join(root, 'data')], () => attack(['build', '--config', config]));
  assertOutcome(
    r,
    2,
    /output\.directory: .*\/data contains dataset\.directory .*; audiogen never writes where it reads/,
  );
  assert.ok(readdirSync(join(root, 'data', 'training', 'yes')).length === 3, 'the WAVs are still there');
});

test('an output folder that is the dataset, or lies inside it, or overlaps bg_noise_dir, is a config error', () => {
  for (const where of ['is', 'inside']) {
    const { root, config } = setup((r) =>
      where === 'is' ? join(r, 'data', 'training') : join(r, 'data', 'training', 'yes', 'out'),
    );
    const r = unchanged([join(root, 'data')], () => attack(['build', '--config', config]));
    assertOutcome(r, 2, where === 'is' ? /is dataset\.directory/ : /lies inside dataset\.directory/);
  }
  const { root, data } = setup((r) => join(r, 'elsewhere'));
  demoSubset(join(root, 'noise'), ['yes'], 1);
  const config = writeConfig(root, {
    dataset: { directory: data, classes: ['yes', 'no'] },
    generator: { ...raw, bg_noise_dir: join(root, 'noise'), bg_noise_range: [0, 0.1] },
    output: { directory: join(root, 'noise', 'out') },
  });
  assertOutcome(
    unchanged([join(root, 'noise')], () => attack(['build', '--config', config])),
    2,
    /lies inside generator\.bg_noise_dir/,
  );
});

test("a non-empty folder that is not an audiogen output is refused naming a file in it; --force builds beside the user's files", () => {
  const { root, config } = setup((r) => join(r, 'mine'));
  const mine = join(root, 'mine');
  mkdirSync(join(mine, 'training'), { recursive: true });
  writeFileSync(join(mine, 'notes.txt'), 'my notes');
  writeFileSync(join(mine, 'training', 'keep.npy'), 'my array');
  writeFileSync(join(mine, 'draft.partial'), 'my partial file');
  const refused = unchanged([mine], () => attack(['build', '--config', config]));
  assertOutcome(
    refused,
    2,
    /is not empty and is not an audiogen output \(no \.audiogen\/\): it holds "draft\.partial" and 2 more.*--force/,
  );
  const forced = runCli(['build', '--config', config, '--force', '--quiet']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(join(mine, 'notes.txt'), 'utf8'), 'my notes');
  assert.equal(readFileSync(join(mine, 'training', 'keep.npy'), 'utf8'), 'my array');
  assert.equal(readFileSync(join(mine, 'draft.partial'), 'utf8'), 'my partial file');
  assert.ok(existsSync(join(mine, 'manifest.json')));
});

test("--force over a build of another config deletes only the files its log names: a user's file inside training/ survives", () => {
  const { root, config } = setup((r) => join(r, 'out'), { output: { epochs: 3 } });
  const out = join(root, 'out');
  assert.equal(runCli(['build', '--config', config, '--quiet']).code, 0);
  writeFileSync(join(out, 'training', 'epoch-002', 'my-analysis.csv'), 'user data');
  writeFileSync(join(out, 'training', 'readme.txt'), 'user data');
  const other = runCli(['build', '--config', config, '--quiet', '--seed', '7', '--epochs', '1']);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /holds a build of a different config; rerun with --force[\s\S]*dataset\.seed: 0 -> 7/);
  const forced = runCli(['build', '--config', config, '--quiet', '--seed', '7', '--epochs', '1', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(join(out, 'training', 'epoch-002', 'my-analysis.csv'), 'utf8'), 'user data');
  assert.equal(readFileSync(join(out, 'training', 'readme.txt'), 'utf8'), 'user data');
  assert.deepEqual(
    readdirSync(join(out, 'training', 'epoch-002')),
    ['my-analysis.csv'],
    "the old build's epoch-002 shards were its own: removed",
  );
  assert.equal(
    existsSync(join(out, 'training', 'epoch-001')),
    false,
    'an emptied epoch folder of the old build is removed',
  );
});

test("another tool's manifest.json is named as such, not diffed as a config", () => {
  const { root, config } = setup((r) => join(r, 'out'));
  mkdirSync(join(root, 'out'));
  writeFileSync(join(root, 'out', 'manifest.json'), JSON.stringify({ format: 'webdataset', shards: 12 }));
  const r = unchanged([join(root, 'out')], () => attack(['build', '--config', config]));
  assertOutcome(r, 2, /it holds manifest\.json, which audiogen did not write for this config/);
  assert.doesNotMatch(r.stderr, /undefined ->/);
});

test('an output path that is a file is a config error', () => {
  const { root, config } = setup((r) => join(r, 'file.out'));
  writeFileSync(join(root, 'file.out'), 'a file');
  assertOutcome(
    unchanged([root], () => attack(['build', '--config', config])),
    2,
    /output\.directory: .*file\.out is a file, not a folder/,
  );
});

test('a state log that is a folder is named, not a stack trace', () => {
  const { root, config } = setup((r) => join(r, 'out'));
  assert.equal(runCli(['build', '--config', config, '--quiet', '--epochs', '1']).code, 0);
  const log = join(root, 'out', '.audiogen', 'shards-0-of-1.jsonl');
  rmSync(log);
  mkdirSync(log);
  assertOutcome(
    attack(['build', '--config', config, '--epochs', '2']),
    1,
    /shards-0-of-1\.jsonl: a folder where audiogen keeps its build log/,
  );
});

test('a read-only output folder fails with the path and the reason, --force included', (t) => {
  const { root, config } = setup((r) => join(r, 'out'));
  assert.equal(runCli(['build', '--config', config, '--quiet']).code, 0);
  const out = join(root, 'out');
  // Root ignores permissions: a read-only bind mount is what makes a folder read-only for it.
  const mnt = mkdtempSync(join(tmpdir(), 'audiogen-ro-out-'));
  const bind = spawnSync('mount', ['--bind', out, mnt]);
  const ro = bind.status === 0 && spawnSync('mount', ['-o', 'remount,ro,bind', mnt]).status === 0;
  t.after(() => {
    if (bind.status === 0) spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });
  if (!ro) return t.skip('cannot make a read-only bind mount here (needs root)');
  const cfg = writeConfig(
    root,
    {
      dataset: { directory: join(root, 'data', 'training'), classes: ['yes', 'no'] },
      generator: raw,
      output: { directory: mnt },
    },
    'ro.yaml',
  );
  const upToDate = attack(['build', '--config', cfg]);
  assert.equal(upToDate.code, 0, upToDate.stderr);
  assert.match(upToDate.stderr, /already built from this config: nothing to do/);
  assertOutcome(attack(['build', '--config', cfg, '--force']), 1, /cannot write .*: read-only file system/);
  assertOutcome(attack(['build', '--config', cfg, '--epochs', '2']), 1, /cannot write .*: read-only file system/);
});

test('two builds into one output: the second exits 1 naming the holder; with --wait it waits, then finds the work done', async () => {
  // A hook that sleeps 10 ms a sample keeps the first build busy for seconds, whatever the machine.
  const { root, config } = setup((r) => join(r, 'out'), { output: { epochs: 50 } });
  writeFileSync(
    join(root, 'slow.mjs'),
    'const s = new Int32Array(new SharedArrayBuffer(4));\nexport function preprocess(x) { Atomics.wait(s, 0, 0, 10); return x; }\n',
  );
  writeFileSync(config, readFileSync(config, 'utf8') + 'hooks: slow.mjs\n');
  const out = join(root, 'out');
  const first = startCli(['build', '--config', config, '--quiet']);
  const firstDone = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
  const lock = join(out, '.audiogen', 'lock-0-of-1.json');
  for (let i = 0; i < 400 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(existsSync(lock), 'the first build took its lock');
  const second = runCli(['build', '--config', config, '--quiet']);
  assert.equal(second.code, 1, second.stderr);
  assert.match(
    second.stderr,
    new RegExp(
      `is being built by another audiogen \\(host ${hostname()}, pid ${first.pid}; lock .*lock-0-of-1\\.json\\): wait for it \\(--wait\\)`,
    ),
  );
  const waited = runCli(['build', '--config', config, '--wait']);
  assert.equal(await firstDone, 0);
  assert.equal(waited.code, 0, waited.stderr);
  assert.match(
    waited.stderr,
    new RegExp(
      `waiting for the build holding .*lock-0-of-1\\.json \\(host ${hostname()}, pid ${first.pid}\\) to finish`,
    ),
  );
  assert.match(waited.stderr, /already built from this config: nothing to do/);
  assert.deepEqual(leftovers(out), []);
  assert.equal(existsSync(lock), false, 'the lock is released');
});

test('a lock left by a build that died (kill -9) is stale: the next build takes it over and resumes', () => {
  const { root, config } = setup((r) => join(r, 'out'));
  const out = join(root, 'out');
  mkdirSync(join(out, '.audiogen'), { recursive: true });
  // A PID that is certainly not running: a child that has already exited.
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  }).stdout;
  writeFileSync(
    join(out, '.audiogen', 'lock-0-of-1.json'),
    JSON.stringify({ host: hostname(), pid: Number(gone), start: null, slurm_job: null, slurm_restart: 0 }),
  );
  const r = runCli(['build', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`removing the stale lock .*lock-0-of-1\\.json \\(host ${hostname()}, pid ${gone}: no longer running\\)`),
  );
});

test('a whole build refuses while partitions of the same output are running, and the reverse', async () => {
  const { root, config } = setup((r) => join(r, 'out'));
  const out = join(root, 'out');
  mkdirSync(join(out, '.audiogen'), { recursive: true });
  // A live holder: this test process itself.
  writeFileSync(
    join(out, '.audiogen', 'lock-1-of-4.json'),
    JSON.stringify({ host: hostname(), pid: process.pid, start: null, slurm_job: null, slurm_restart: 0 }),
  );
  const whole = runCli(['build', '--config', config, '--quiet']);
  assert.equal(whole.code, 1);
  assert.match(whole.stderr, /lock-1-of-4\.json/);
  const sibling = runCli(['build', '--config', config, '--quiet', '--partition', '2/4']);
  assert.equal(sibling.code, 0, `partitions of one build run side by side: ${sibling.stderr}`);
  const before = treeHash(out);
  assert.equal(
    runCli(['build', '--config', config, '--quiet', '--partition', '0/2']).code,
    1,
    'another partition count is refused',
  );
  assert.equal(treeHash(out), before);
});
