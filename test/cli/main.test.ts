// The command line as a whole: every command is declared and has its help; run() turns every error into the exit
// code and the message users see (a stack trace only for an internal error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { ROOT, demoSubset, runCli, tempDir, writeConfig } from '../helpers.js';
import { stderrOf } from './support.js';
import { createProgram, report, run } from '../../src/cli/main.js';
import { AudiogenError, ConfigError, EXIT, InterruptedError } from '../../src/errors.js';

const argv = (...args: string[]) => ['node', 'audiogen', ...args];

test('--help works on every command', () => {
  const top = runCli(['--help']);
  assert.equal(top.code, 0);
  for (const cmd of createProgram().commands.map((c) => c.name())) {
    assert.match(top.stdout, new RegExp(`\\b${cmd}\\b`));
    const r = runCli([cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Usage: audiogen ${cmd}`));
  }
});

test('createProgram() declares the command of every command file in src/cli, each with a description', () => {
  const dir = join(ROOT, 'src', 'cli');
  const declared = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/\.command\('([a-z-]+)'\)/g)].map((m) => m[1]));
  assert.ok(declared.length >= 8, declared.join());
  const program = createProgram();
  assert.deepEqual(program.commands.map((c) => c.name()).sort(), declared.sort());
  for (const c of program.commands) assert.ok(c.description().length > 10, c.name());
});

test('run() prints a config error as its problem lines and returns 2', async () => {
  const dir = tempDir();
  const file = writeConfig(dir, {
    dataset: { directory: dir, classes: ['yes'] },
    generator: { offset_range: [0, 2] },
    output: { directory: join(dir, 'out') },
  });
  const { result, stderr } = await stderrOf(() => run(argv('validate', '--config', file)));
  assert.equal(result, EXIT.config);
  assert.equal(stderr, 'generator.offset_range[1]: expected a number <= 1, got 2 (config.yaml:8:7)\n');
});

test('run() prints an AudiogenError as "audiogen: message" and returns its exit code', async () => {
  const empty = tempDir();
  const failed = await stderrOf(() => run(argv('merge', empty)));
  assert.equal(failed.result, EXIT.failed);
  assert.equal(failed.stderr, `audiogen: ${empty}: no build records (.audiogen/ is missing): nothing to merge\n`);
  const usage = await stderrOf(() => run(argv('preview', '--config', 'x.yaml', '--count', '0')));
  assert.equal(usage.result, EXIT.config);
  assert.equal(usage.stderr, 'audiogen: --count: expected a positive integer, got 0\n');
});

test('run() returns 2 for a usage error commander reports, and 0 for a command that succeeds', async () => {
  const unknown = await stderrOf(() => run(argv('bake')));
  assert.equal(unknown.result, EXIT.config);
  assert.match(unknown.stderr, /^error: unknown command 'bake'/m);
  assert.match(unknown.stderr, /\(run with --help for usage\)/);

  const dir = tempDir();
  const file = writeConfig(dir, {
    dataset: { directory: demoSubset(join(dir, 'data'), ['yes', 'no'], 1), classes: ['yes', 'no'] },
    generator: { frontend_enabled: false, cores: 1 },
    output: { directory: join(dir, 'out') },
  });
  for (const p of ['0/2', '1/2'])
    assert.equal(runCli(['build', '--config', file, '--partition', p, '--quiet']).code, 0);
  const sigint = process.listenerCount('SIGINT');
  const merged = await stderrOf(() => run(argv('merge', join(dir, 'out'))));
  assert.equal(merged.result, EXIT.ok, merged.stderr);
  assert.match(merged.stderr, /^merged 1 shards from 2 partition\(s\)/);
  assert.equal(process.listenerCount('SIGINT'), sigint, 'run() removes its signal handlers');
});

test('report() prints each kind of error the way users should see it and returns its exit code', async () => {
  const config = await stderrOf(() =>
    report(new ConfigError(['a.b: expected x, got y', { path: 'c', message: 'bad', flag: '--c' }])),
  );
  assert.deepEqual([config.result, config.stderr], [2, 'a.b: expected x, got y\nc: bad (from --c)\n']);
  const lines = await stderrOf(() => report(new AudiogenError('first line\nsecond line')));
  assert.deepEqual([lines.result, lines.stderr], [1, 'audiogen: first line\naudiogen: second line\n']);
  const interrupted = await stderrOf(() => report(new InterruptedError('SIGTERM')));
  assert.deepEqual(
    [interrupted.result, interrupted.stderr],
    [130, 'audiogen: interrupted by SIGTERM: finished shards are kept, rerun the same command to resume\n'],
  );
  // Help and version end with exit code 0 and print nothing more; a usage error was printed by commander already.
  const help = await stderrOf(() => report(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')));
  assert.deepEqual([help.result, help.stderr], [0, '']);
  const usage = await stderrOf(() =>
    report(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'")),
  );
  assert.deepEqual([usage.result, usage.stderr], [2, '']);
});

test('report() calls anything else an internal error, with its stack, and returns 1', async () => {
  const bug = await stderrOf(() => report(new TypeError('x is undefined')));
  assert.equal(bug.result, 1);
  assert.match(bug.stderr, /^audiogen: internal error \(please report it\): TypeError: x is undefined\n\s+at /);
  const thrown = await stderrOf(() => report('a string'));
  assert.deepEqual([thrown.result, thrown.stderr], [1, 'audiogen: internal error (please report it): a string\n']);
});
