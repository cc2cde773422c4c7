// The errors users see: a problem's line in every form it takes, config errors as lines and as records, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudiogenError, ConfigError, errorMessage, EXIT, formatProblem, InterruptedError } from '../src/errors.js';

test('formatProblem: a key with its file position, its flag, or alone; the file as a whole by its position', () => {
  assert.equal(
    formatProblem({
      path: 'generator.offset_range[1]',
      message: 'expected a number <= 1, got 1.5',
      file: 'kws.yaml',
      line: 12,
      column: 20,
    }),
    'generator.offset_range[1]: expected a number <= 1, got 1.5 (kws.yaml:12:20)',
  );
  assert.equal(
    formatProblem({ path: 'output.epochs', message: 'too many', file: 'kws.yaml', line: 3, flag: '--epochs' }),
    'output.epochs: too many (from --epochs)',
    'the flag wins over the file',
  );
  assert.equal(
    formatProblem({ path: 'a.b', message: 'm', file: 'c.yaml', line: 4 }),
    'a.b: m (c.yaml:4:1)',
    'column 1 when only the line is known',
  );
  assert.equal(formatProblem({ path: 'a.b', message: 'm', file: 'c.yaml' }), 'a.b: m (c.yaml)');
  assert.equal(formatProblem({ path: 'a.b', message: 'm' }), 'a.b: m');
  assert.equal(
    formatProblem({ path: null, message: 'not YAML', file: 'c.yaml', line: 2, column: 5 }),
    'c.yaml:2:5: not YAML',
  );
  assert.equal(formatProblem({ path: null, message: 'empty', file: 'c.yaml' }), 'c.yaml: empty');
  assert.equal(formatProblem({ path: null, message: 'no file' }), 'no file');
});

test('ConfigError: one line per problem, the same problems as records, exit code 2', () => {
  const e = new ConfigError([
    'a plain line',
    { path: 'dataset.classes[0]', message: 'bad', file: 'k.yaml', line: 5, column: 3 },
  ]);
  assert.ok(e instanceof AudiogenError && e instanceof Error);
  assert.equal(e.name, 'ConfigError');
  assert.equal(e.exitCode, EXIT.config);
  assert.deepEqual(e.problems, ['a plain line', 'dataset.classes[0]: bad (k.yaml:5:3)']);
  assert.equal(e.message, 'a plain line\ndataset.classes[0]: bad (k.yaml:5:3)');
  assert.deepEqual(e.details, [
    { path: null, message: 'a plain line' },
    { path: 'dataset.classes[0]', message: 'bad', file: 'k.yaml', line: 5, column: 3 },
  ]);
});

test('exit codes: 1 for a failure by default, 130 for an interrupt with what to do next', () => {
  assert.deepEqual(EXIT, { ok: 0, failed: 1, config: 2, interrupted: 130 });
  const failed = new AudiogenError('disk full');
  assert.deepEqual([failed.name, failed.message, failed.exitCode], ['AudiogenError', 'disk full', 1]);
  assert.equal(new AudiogenError('bad flag', EXIT.config).exitCode, 2);
  const i = new InterruptedError('SIGTERM');
  assert.ok(i instanceof AudiogenError);
  assert.deepEqual(
    [i.name, i.exitCode, i.message],
    ['InterruptedError', 130, 'interrupted by SIGTERM: finished shards are kept, rerun the same command to resume'],
  );
});

test("errorMessage: an Error's message, anything else as text", () => {
  assert.equal(errorMessage(new TypeError('boom')), 'boom');
  assert.equal(errorMessage('plain'), 'plain');
  assert.equal(errorMessage(42), '42');
  assert.equal(errorMessage(undefined), 'undefined');
});
