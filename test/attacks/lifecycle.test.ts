// The shipped command always ends: help, usage and config errors, and impossible output folders exit with their
// documented code in seconds, with pre-started workers or without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoSubset, STACK_TRACE, startCli, tempDir, writeConfig } from '../helpers.js';
import { assertOutcome, attack, leftovers } from './harness.js';

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
  assertOutcome(
    attack(['build', '--config', '/nonexistent/kws.yaml'], { timeoutMs: 15_000 }),
    2,
    /\/nonexistent\/kws\.yaml: cannot read the config/,
  );
});

test('build without --config, or with an unknown flag, exits 2 with usage', () => {
  assertOutcome(attack(['build'], { timeoutMs: 15_000 }), 2, /required option '-c, --config <file>'/);
  assertOutcome(
    attack(['build', '--config', 'x.yaml', '--bogus'], { timeoutMs: 15_000 }),
    2,
    /unknown option '--bogus'/,
  );
});

test('build with an invalid config exits 2 though its workers were pre-started', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { cores: 2, offset_range: [0, 2] },
    output: { directory: join(dir, 'out') },
  });
  assertOutcome(
    attack(['build', '--config', config], { timeoutMs: 15_000 }),
    2,
    /generator\.offset_range\[1\]: expected a number <= 1/,
  );
});

test('an output folder under /proc fails in seconds with the reason, instead of spinning in mkdir', () => {
  const dir = tempDir();
  const config = writeConfig(dir, {
    dataset: { directory: dataset, classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: '/proc/audiogen-attack/out' },
  });
  assertOutcome(
    attack(['build', '--config', config], { timeoutMs: 15_000 }),
    1,
    /cannot (write|create) \/proc\/audiogen-attack/,
  );
});

test('SIGTERM and SIGINT end a build within two seconds with exit 130, workers included, even mid-batch', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const dir = tempDir();
    // Each sample takes 5 s: the workers are deep in a batch when the signal comes.
    writeFileSync(
      join(dir, 'slow.mjs'),
      'const s = new Int32Array(new SharedArrayBuffer(4));\nexport function preprocess(x) { Atomics.wait(s, 0, 0, 5000); return x; }\n',
    );
    const config = writeConfig(dir, {
      dataset: { directory: dataset, classes: ['yes', 'no'] },
      generator: { frontend_enabled: false, cores: 2 },
      output: { directory: join(dir, 'out') },
      hooks: 'slow.mjs',
    });
    const child = startCli(['build', '--config', config, '--quiet']);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lock = join(dir, 'out', '.audiogen', 'lock-0-of-1.json');
    for (let i = 0; i < 400 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 700));
    const workers = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    assert.ok(workers.length >= 2, 'the workers are running');
    const sent = performance.now();
    child.kill(signal);
    const code = await exited;
    const seconds = (performance.now() - sent) / 1000;
    assert.equal(code, 130, stderr);
    assert.ok(seconds < 2, `exited ${seconds.toFixed(2)} s after ${signal}`);
    await new Promise((r) => setTimeout(r, 200));
    const alive = workers.filter(
      (p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z '),
    );
    assert.deepEqual(alive, [], 'no worker outlives the build');
    assert.doesNotMatch(stderr, STACK_TRACE);
    assert.deepEqual(leftovers(join(dir, 'out')), []);
  }
});
